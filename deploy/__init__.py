"""Production recipes (nginx) and the helpers that run them on 127.0.0.1 for tests and bench."""
