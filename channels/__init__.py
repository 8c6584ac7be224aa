"""Rasa input/output channels of this project: thin adapters over Rasa's own connectors."""
