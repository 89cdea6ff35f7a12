#include "core/deploy/health_probe.h"

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <utility>

namespace berth {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Seconds(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

Result<tcp::endpoint> Endpoint(const std::string& address, int port) {
  beast::error_code ec;
  asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) return InvalidArgument("'" + address.substr(0, 80) + "' is not an IP address");
  if (port < 1 || port > 65535) {
    return InvalidArgument("port " + std::to_string(port) + " is not in 1..65535");
  }
  return tcp::endpoint(ip, static_cast<unsigned short>(port));
}

// Starts one asynchronous operation and runs the context until it is done: a
// synchronous call whose deadline is the stream's expiry (Beast's tcp_stream
// honours expiry only for asynchronous operations).
template <typename Start>
beast::error_code RunOp(asio::io_context& ioc, Start start) {
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

Status Failed(std::string_view step, beast::error_code ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) {
    return Unavailable("timed out after " + Seconds(timeout) + " (" + std::string(step) + ")");
  }
  if (ec == http::error::body_limit) {
    return Unavailable("the response body is larger than " + std::to_string(kMaxProbeBody >> 20) +
                       " MiB");
  }
  return Unavailable(std::string(step) + ": " + ec.message());
}

// Sends the GET and reads the whole response on a connected (and, for TLS,
// handshaken) stream.
template <typename Stream>
Result<HttpReply> Exchange(asio::io_context& ioc, Stream& stream, const HttpProbe& probe,
                           const std::string& host) {
  http::request<http::empty_body> request{http::verb::get, probe.path, 11};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "berth-healthcheck");
  request.set(http::field::connection, "close");
  beast::error_code ec =
      RunOp(ioc, [&](auto handler) { http::async_write(stream, request, std::move(handler)); });
  if (ec) return Failed("sending the request", ec, probe.timeout);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxProbeBody);
  // The header first: Boost 1.74's parser skips the Content-Length limit check
  // when header and body arrive in one eager read.
  ec = RunOp(ioc, [&](auto handler) {
    http::async_read_header(stream, buffer, parser, std::move(handler));
  });
  if (!ec && parser.content_length().value_or(0) > kMaxProbeBody) ec = http::error::body_limit;
  if (!ec) {
    ec = RunOp(ioc,
               [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
  }
  if (!ec && parser.get().body().size() > kMaxProbeBody) ec = http::error::body_limit;
  if (ec) return Failed("reading the response", ec, probe.timeout);
  auto& response = parser.get();
  return HttpReply{static_cast<int>(response.result_int()), std::string(response.reason()),
                   std::move(response.body())};
}

// The name to send as SNI: the Host without a port; none for an IP address.
std::string SniName(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  if (!ec || host.starts_with('[')) return "";
  std::string name = host.substr(0, host.find(':'));
  (void)asio::ip::make_address(name, ec);
  return ec ? name : "";
}

}  // namespace

Status ProbeTcp(const std::string& address, int port, std::chrono::milliseconds timeout) {
  BERTH_ASSIGN_OR_RETURN(tcp::endpoint endpoint, Endpoint(address, port));
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout);
  beast::error_code ec =
      RunOp(ioc, [&](auto handler) { stream.async_connect(endpoint, std::move(handler)); });
  if (ec) return Failed("connect", ec, timeout);
  stream.socket().close(ec);
  return Status::Ok();
}

Result<HttpReply> ProbeHttp(const HttpProbe& probe) {
  if (probe.scheme != "http" && probe.scheme != "https") {
    return InvalidArgument("unknown scheme '" + probe.scheme.substr(0, 20) +
                           "': use http or https");
  }
  if (probe.path.empty() || probe.path.front() != '/') {
    return InvalidArgument("the path '" + probe.path.substr(0, 80) + "' does not start with '/'");
  }
  BERTH_ASSIGN_OR_RETURN(tcp::endpoint endpoint, Endpoint(probe.address, probe.port));
  std::string host = probe.host_header.empty() ? probe.address : probe.host_header;

  asio::io_context ioc;
  if (probe.scheme == "http") {
    beast::tcp_stream stream(ioc);
    stream.expires_after(probe.timeout);
    beast::error_code ec =
        RunOp(ioc, [&](auto handler) { stream.async_connect(endpoint, std::move(handler)); });
    if (ec) return Failed("connect", ec, probe.timeout);
    return Exchange(ioc, stream, probe, host);
  }

  // Containers serve self-signed certificates: encrypt, but do not verify.
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
  if (std::string sni = SniName(host); !sni.empty()) {
    // SSL_set_tlsext_host_name, without the macro's C cast.
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             sni.data());
  }
  beast::get_lowest_layer(stream).expires_after(probe.timeout);
  beast::error_code ec = RunOp(ioc, [&](auto handler) {
    beast::get_lowest_layer(stream).async_connect(endpoint, std::move(handler));
  });
  if (ec) return Failed("connect", ec, probe.timeout);
  ec = RunOp(ioc, [&](auto handler) {
    stream.async_handshake(asio::ssl::stream_base::client, std::move(handler));
  });
  if (ec) return Failed("TLS handshake", ec, probe.timeout);
  return Exchange(ioc, stream, probe, host);
}

}  // namespace berth
