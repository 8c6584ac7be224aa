"""`make bench`: accuracy, false accepts, latency, start time and memory."""
