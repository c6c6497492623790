"""Global governance rules as plain functions, and their assembly into a Pulumi policy pack."""
