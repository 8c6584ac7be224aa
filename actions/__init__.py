"""Thin rasa-sdk adapters: read the tracker, call `bot/`, return events."""
