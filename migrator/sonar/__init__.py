"""The Sonar side: GraphQL client (gql + aiohttp), queries, typed models."""
