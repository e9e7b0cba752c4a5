"""migrator: move an ISP from Sonar (GraphQL) to Splynx (REST API v2.0 + MySQL)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
