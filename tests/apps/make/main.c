/* berth sample app for the make buildpack: a tiny HTTP server on $PORT. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  const char *port_env = getenv("PORT");
  const char *rev = getenv("GIT_REV");
  int port = port_env ? atoi(port_env) : 5000;
  char body[512];
  int body_len = snprintf(body, sizeof body, "hello from make\nGIT_REV=%s\n", rev ? rev : "");

  signal(SIGPIPE, SIG_IGN);
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  if (srv < 0) {
    perror("socket");
    return 1;
  }
  int one = 1;
  setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons((unsigned short)port);
  if (bind(srv, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(srv, 64) < 0) {
    perror("bind/listen");
    return 1;
  }
  printf("listening on 0.0.0.0:%d\n", port);
  fflush(stdout);

  for (;;) {
    int c = accept(srv, NULL, NULL);
    if (c < 0) continue;
    char req[4096];
    /* Read the request head; its content does not matter here. */
    ssize_t n = read(c, req, sizeof req);
    (void)n;
    char head[256];
    int head_len = snprintf(head, sizeof head,
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "Content-Length: %d\r\nConnection: close\r\n\r\n",
                            body_len);
    if (write(c, head, (size_t)head_len) == head_len) {
      ssize_t w = write(c, body, (size_t)body_len);
      (void)w;
    }
    close(c);
  }
}
