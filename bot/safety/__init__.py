"""The red-flag safety net: emergencies recognised as patients describe them, and only real ones."""
from bot.safety.detector import (ASK, NONE, URGENT, Assessment, Mention, RedFlagDetector, assess,
                                 default_detector, pending_answer)

__all__ = ["ASK", "NONE", "URGENT", "Assessment", "Mention", "RedFlagDetector", "assess", "default_detector",
           "pending_answer"]
