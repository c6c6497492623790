"""The policy pack as package data (`dmesh.policy_pack`): PulumiPolicy.yaml, the mesh-wide config.json and
the `__main__.py` the Pulumi engine runs. Found with importlib.resources, so an installed platform has it too."""
