"""The HTTP API: ERP pushes and pulls, buyer and planner decisions, bearer tokens with roles.

Build the app with :func:`connectors.api.app.create_app`; ``reelplan serve`` runs it.
"""
