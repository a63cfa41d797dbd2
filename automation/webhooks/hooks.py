def register():
    """Subscribe to events and register seams, from AutomationConfig.ready()."""
