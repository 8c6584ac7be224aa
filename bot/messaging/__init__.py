"""The messaging apps (Telegram, WhatsApp, Messenger) without Rasa.

Numbered choices for apps that cannot show buttons, what each app can show,
the signatures Meta puts on its webhooks, and each app's settings. The Rasa
adapters that use them live in `channels/`.
"""
