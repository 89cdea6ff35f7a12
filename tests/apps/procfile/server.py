"""berth sample app for the procfile buildpack: python3 standard library only."""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/crash":
            # For the restart tests: the process dies, as a crashing app would.
            print("crashing on request", flush=True)
            os._exit(3)
        body = "hello from procfile\nGIT_REV=%s\nDYNO=%s\nGREETING=%s\n" % (
            os.environ.get("GIT_REV", ""),
            os.environ.get("DYNO", ""),
            os.environ.get("GREETING", ""),
        )
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


port = int(os.environ.get("PORT", "5000"))
print("listening on 0.0.0.0:%d" % port)
ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
