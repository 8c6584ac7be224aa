"""Red-flag detection: the safety net under the intent classifier."""
from bot.safety.red_flags import RedFlag, RedFlagDetector, detect_red_flag

__all__ = ["RedFlag", "RedFlagDetector", "detect_red_flag"]
