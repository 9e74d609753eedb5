"""The generic BPM runtime: model registry, sandbox, persistence. The only code that imports SpiffWorkflow."""
