"""Deploys through Pulumi's Automation API: the one part of `dmesh` that needs the Pulumi CLI.

`targets` picks and orders the stacks, `backend` settles state and secrets, `plugins` names the provider
plugins, `engine` drives the CLI, `changes` reads a preview, `run` does a verb across the stacks in order.
"""
