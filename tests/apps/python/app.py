"""berth sample app for the python buildpack: answers GET / on $PORT."""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from berth_sample_greeting import greet


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = "%s\nGIT_REV=%s\nvirtualenv=%s\n" % (
            greet("python"),
            os.environ.get("GIT_REV", ""),
            os.environ.get("VIRTUAL_ENV", ""),
        )
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "5000"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    print("listening on 0.0.0.0:%d" % port, flush=True)
    server.serve_forever()
