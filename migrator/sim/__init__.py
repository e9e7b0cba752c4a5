"""Simulators of Sonar and Splynx, faithful to ../shared/reference, for the demo and the tests."""
