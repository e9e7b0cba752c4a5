"""The Sonar GraphQL simulator."""
