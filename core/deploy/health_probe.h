// The network half of the health checks: one TCP connect, one HTTP(S) GET,
// each synchronous and bounded by a real-time deadline (Boost.Asio/Beast).
#pragma once

#include <chrono>
#include <string>

#include "core/base/status.h"

namespace berth {

// Connects to address:port (an IP literal) and closes again. kUnavailable with
// the reason ("Connection refused", "timed out after 1s") when it cannot.
Status ProbeTcp(const std::string& address, int port, std::chrono::milliseconds timeout);

struct HttpProbe {
  std::string scheme = "http";  // http or https (TLS, certificate not verified)
  std::string address;          // an IP literal
  int port = 0;
  std::string host_header;  // Host (and SNI when it is a name); "" means address
  std::string path = "/";
  std::chrono::milliseconds timeout{30000};  // connect, TLS, request and response together
};

struct HttpReply {
  int status = 0;      // 200
  std::string reason;  // "OK"
  std::string body;    // at most kMaxProbeBody bytes are read
};

inline constexpr size_t kMaxProbeBody = 1 << 20;

// One GET, no redirects followed. kUnavailable for anything short of a whole
// response ("connect: Connection refused", "timed out after 5s", "TLS
// handshake: wrong version number"); kInvalidArgument for a bad address or
// scheme. Any status code is a reply: judging it is the caller's business.
Result<HttpReply> ProbeHttp(const HttpProbe& probe);

}  // namespace berth
