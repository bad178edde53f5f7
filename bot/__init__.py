"""Huddle's shell: settings, the Bolt app, the scheduler tick, jobs, messages and CLI."""
