"""The product's own package: safety, extraction, rules, storage, handoff.

Nothing in here imports Rasa; `actions/` and `components/` adapt it to Rasa.
"""
