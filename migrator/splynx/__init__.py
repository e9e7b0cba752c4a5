"""The Splynx side: API client (httpx), auth strategies, payloads, database gateway."""
