"""The yardstick for `make bench-web`: Flask's hello world, served the same way as the service."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
