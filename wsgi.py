"""WSGI entry point (`gunicorn wsgi:app`); `python wsgi.py` runs a development server with Socket.IO."""

import os

from ports_network import create_app
from ports_network.extensions import socketio

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    socketio.run(app, host=host, port=port, debug=app.debug, use_reloader=False, allow_unsafe_werkzeug=True)
