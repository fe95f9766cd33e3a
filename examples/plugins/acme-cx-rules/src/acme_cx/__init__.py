"""ACME's candidate-experience policies, as a cx-rules plugin."""
