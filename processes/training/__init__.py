"""The training city (spec 13, システム操作研修): a separate instance folder with its own database and keys, the demo
city's families to practise on, exercises per role, and a reset."""
