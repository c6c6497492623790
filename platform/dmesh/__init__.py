"""dmesh: the platform team's tools (CLI, governance rules, offline review, onboarding, emulators)."""

__version__ = "0.1.0"
