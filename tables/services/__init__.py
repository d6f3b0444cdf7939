"""The tables app's writers, one module per part (the Piano Family in plan.py)."""
