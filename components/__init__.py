"""Custom Rasa NLU components: thin adapters over `bot/`.

Referenced from config.yml as `components.<module>.<Class>`.
"""
