"""Platform upgrades: what a preset or component change does to every domain's resources, before it lands."""
