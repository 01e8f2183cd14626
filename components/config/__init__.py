"""The stack configuration: stack file keys -> the components' settings, validated before any resource.

    engine.py    config as the Pulumi engine passes it (namespace, typed getters, aws: keys, region)
    problems.py  problem reporting (ConfigError, Problem, nearest, masking of secrets)
    schema.py    StackConfig composed from the components' settings; cross-component checks; key tables
    load.py      reading and validating a stack's config (parse_stack_config, parse_config, load_stack_config)

Nothing below ``__main__.py`` reads ``pulumi.Config``. Every key is documented in docs/config.md.
"""
