"""Models of the tables app: they arrive with the issue that builds it."""
