"""Strategy objects shared by both clients: time, rate limits, retries."""
