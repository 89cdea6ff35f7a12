// certs:* — an app's TLS certificate, kept in $BERTH_ROOT/proxy/certs/APP/
// (server.crt, server.key). With a certificate the app is served over https and
// plain http redirects there. Every certificate is checked before it replaces
// the old one: PEM shape, an unencrypted key, and that the key belongs to the
// certificate (openssl, run through the ProcessRunner).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "core/base/files.h"
#include "core/base/validate.h"
#include "core/cli/helpers.h"
#include "core/cli/proxy_routes.h"
#include "core/cli/report.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

constexpr size_t kMaxPemBytes = 1 << 20;
constexpr size_t kMaxTarballBytes = 4 << 20;

struct CertPair {
  std::string cert;
  std::string key;
};

bool HasBlock(const std::string& text, std::string_view label) {
  std::string begin = "-----BEGIN " + std::string(label) + "-----";
  std::string end = "-----END " + std::string(label) + "-----";
  size_t b = text.find(begin);
  return b != std::string::npos && text.find(end, b + begin.size()) != std::string::npos;
}

Status ValidatePems(const CertPair& pair) {
  if (pair.cert.size() > kMaxPemBytes || pair.key.size() > kMaxPemBytes) {
    return InvalidArgument("The certificate and key must each be under 1 MiB");
  }
  if (pair.cert.find('\0') != std::string::npos || !HasBlock(pair.cert, "CERTIFICATE")) {
    return InvalidArgument(
        "The certificate is not a PEM certificate (-----BEGIN CERTIFICATE----- ...)");
  }
  if (HasBlock(pair.key, "ENCRYPTED PRIVATE KEY") ||
      pair.key.find("Proc-Type: 4,ENCRYPTED") != std::string::npos) {
    return InvalidArgument(
        "The key is encrypted; berth needs it unencrypted (openssl pkey -in KEY -out server.key)");
  }
  if (pair.key.find('\0') != std::string::npos ||
      !(HasBlock(pair.key, "PRIVATE KEY") || HasBlock(pair.key, "RSA PRIVATE KEY") ||
        HasBlock(pair.key, "EC PRIVATE KEY"))) {
    return InvalidArgument("The key is not a PEM private key (-----BEGIN PRIVATE KEY----- ...)");
  }
  return Status::Ok();
}

Result<std::string> ReadPemFile(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidArgument("The " + std::string(what) + " " + path + " is not a readable file");
  }
  if (std::filesystem::file_size(path, ec) > kMaxPemBytes) {
    return InvalidArgument("The " + std::string(what) + " " + path + " is over 1 MiB");
  }
  auto text = ReadFile(path);
  if (!text.ok())
    return InvalidArgument("Cannot read the " + std::string(what) + ": " + text.status().message());
  return text;
}

// An octal (or GNU base-256) number field of a tar header.
Result<size_t> TarNumber(std::string_view field) {
  if (!field.empty() && (static_cast<unsigned char>(field[0]) & 0x80) != 0) {
    return InvalidArgument("The tarball holds a file too large for a certificate");
  }
  size_t value = 0;
  for (char c : field) {
    if (c == '\0' || c == ' ') {
      if (value != 0) break;
      continue;
    }
    if (c < '0' || c > '7') return InvalidArgument("The tarball on stdin is malformed");
    value = value * 8 + static_cast<size_t>(c - '0');
    if (value > kMaxTarballBytes)
      return InvalidArgument("The tarball holds a file that is too large");
  }
  return value;
}

std::string CString(std::string_view field) {
  return std::string(field.substr(0, field.find('\0')));
}

// server.crt and server.key from a tar archive (ustar/GNU/pax headers; other
// members are skipped, nothing is written to disk).
Result<CertPair> ReadTarball(const std::string& tar) {
  CertPair pair;
  bool have_cert = false, have_key = false;
  size_t pos = 0;
  while (pos + 512 <= tar.size()) {
    std::string_view header(tar.data() + pos, 512);
    if (header.find_first_not_of('\0') == std::string_view::npos) break;  // end of archive
    BERTH_ASSIGN_OR_RETURN(size_t size, TarNumber(header.substr(124, 12)));
    char type = header[156];
    std::string name = CString(header.substr(0, 100));
    if (header.substr(257, 5) == "ustar") {
      std::string prefix = CString(header.substr(345, 155));
      if (!prefix.empty() && type != 'L') name = prefix + "/" + name;
    }
    while (name.starts_with("./")) name.erase(0, 2);
    pos += 512;
    if (size > tar.size() - pos) return InvalidArgument("The tarball on stdin is truncated");
    if (type == '0' || type == '\0') {
      if (name == "server.crt") {
        pair.cert = tar.substr(pos, size);
        have_cert = true;
      } else if (name == "server.key") {
        pair.key = tar.substr(pos, size);
        have_key = true;
      }
    }
    pos += (size + 511) / 512 * 512;
  }
  if (!have_cert || !have_key) {
    return InvalidArgument(
        "The tarball on stdin must hold server.crt and server.key (tar cf - server.crt "
        "server.key)");
  }
  return pair;
}

Result<std::string> Openssl(Context& ctx, std::vector<std::string> args) {
  ProcessSpec spec;
  spec.argv = {"openssl"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.timeout = std::chrono::milliseconds(60000);
  BERTH_ASSIGN_OR_RETURN(ProcessResult r, ctx.runner.Run(spec));
  if (!r.ok()) {
    std::string err = r.err.empty() ? r.out : r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return InvalidArgument("openssl " + args[0] + " failed: " + err);
  }
  return r.out;
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

// A fresh private directory beside the app's certificate directory.
Result<std::string> StagingDir(Context& ctx, const std::string& app) {
  std::string certs = ctx.env.root + "/proxy/certs";
  BERTH_RETURN_IF_ERROR(MakeDirs(certs, 0700));
  std::string dir = certs + "/." + app + ".new-" + std::to_string(::getpid());
  RemoveTree(dir);
  BERTH_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  return dir;
}

// Checks the pair in `staging` (server.crt, server.key) and moves it in place of
// the app's certificate. `staging` is gone afterwards either way.
Status Install(Context& ctx, const std::string& app, const std::string& staging) {
  auto check = [&]() -> Status {
    BERTH_ASSIGN_OR_RETURN(std::string cert_key, Openssl(ctx, {"x509", "-noout", "-pubkey", "-in",
                                                               staging + "/server.crt"}));
    BERTH_ASSIGN_OR_RETURN(std::string key_key,
                           Openssl(ctx, {"pkey", "-pubout", "-in", staging + "/server.key"}));
    if (cert_key != key_key) return InvalidArgument("The key does not belong to the certificate");
    return Status::Ok();
  };
  Status checked = check();
  if (!checked.ok()) {
    RemoveTree(staging);
    return checked;
  }
  std::string final_dir = CertDir(ctx.env, app);
  std::string old = ctx.env.root + "/proxy/certs/." + app + ".old-" + std::to_string(::getpid());
  RemoveTree(old);
  if (PathExists(final_dir) && ::rename(final_dir.c_str(), old.c_str()) != 0) {
    RemoveTree(staging);
    return Internal(ErrnoMessage("rename " + final_dir));
  }
  if (::rename(staging.c_str(), final_dir.c_str()) != 0) {
    Status s = Internal(ErrnoMessage("rename " + staging));
    if (PathExists(old)) (void)::rename(old.c_str(), final_dir.c_str());
    RemoveTree(staging);
    return s;
  }
  RemoveTree(old);
  return Status::Ok();
}

Status AddPair(Context& ctx, const std::string& app, const CertPair& pair) {
  BERTH_RETURN_IF_ERROR(ValidatePems(pair));
  BERTH_ASSIGN_OR_RETURN(std::string staging, StagingDir(ctx, app));
  Status written = WriteFileAtomic(staging + "/server.crt", pair.cert, 0644);
  if (written.ok()) written = WriteFileAtomic(staging + "/server.key", pair.key, 0600);
  if (!written.ok()) {
    RemoveTree(staging);
    return written;
  }
  return Install(ctx, app, staging);
}

Status Add(Context& ctx, const Args& args) {
  const std::string usage = "Usage: berth certs:add APP CRT KEY, or certs:add APP - <tarball";
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  const auto& p = args.positional;
  CertPair pair;
  if (p.size() == 3) {
    if (ctx.env.via_ssh) {
      return PermissionDenied(
          "Over ssh, send the certificate and key as a tarball on stdin: "
          "tar cf - server.crt server.key | ssh berth@HOST certs:add " +
          app + " -");
    }
    BERTH_ASSIGN_OR_RETURN(pair.cert, ReadPemFile(p[1], "certificate"));
    BERTH_ASSIGN_OR_RETURN(pair.key, ReadPemFile(p[2], "key"));
  } else if (p.size() == 1 || (p.size() == 2 && p[1] == "-")) {
    if (ctx.env.stdin_is_tty) return InvalidArgument(usage);
    std::string tar;
    char buf[65536];
    while (ctx.in.read(buf, sizeof buf) || ctx.in.gcount() > 0) {
      tar.append(buf, static_cast<size_t>(ctx.in.gcount()));
      if (tar.size() > kMaxTarballBytes)
        return InvalidArgument("The tarball on stdin is over 4 MiB");
    }
    if (tar.empty()) return InvalidArgument(usage);
    BERTH_ASSIGN_OR_RETURN(pair, ReadTarball(tar));
  } else {
    return InvalidArgument(usage);
  }
  ctx.out.Step("Adding a certificate to " + app);
  BERTH_RETURN_IF_ERROR(AddPair(ctx, app, pair));
  return RebuildProxy(ctx);
}

Status Generate(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 2, "certs:generate APP DOMAIN"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::string domain = args.positional[1];
  BERTH_RETURN_IF_ERROR(ValidateDomain(domain));
  for (char& c : domain) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  ctx.out.Step("Generating a self-signed certificate for " + domain);
  BERTH_ASSIGN_OR_RETURN(std::string staging, StagingDir(ctx, app));
  // A subject's common name holds at most 64 characters; the SAN carries the name anyway.
  std::string subject = domain.size() <= 64 ? "/CN=" + domain : "/O=berth self-signed";
  auto made = Openssl(ctx, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days",
                            "365", "-subj", subject, "-addext", "subjectAltName=DNS:" + domain,
                            "-keyout", staging + "/server.key", "-out", staging + "/server.crt"});
  if (!made.ok()) {
    RemoveTree(staging);
    return made.status();
  }
  BERTH_RETURN_IF_ERROR(Install(ctx, app, staging));
  BERTH_ASSIGN_OR_RETURN(auto domains, ctx.store->GetDomains(Scope::App(app)));
  if (std::find(domains.begin(), domains.end(), domain) == domains.end()) {
    BERTH_RETURN_IF_ERROR(ctx.store->AddDomains(Scope::App(app), {domain}));
    ctx.out.Step("Added " + domain + " to " + app);
    BERTH_RETURN_IF_ERROR(
        ctx.plugins.Fire({triggers::kPostDomainsUpdate, {app, "add", domain}, app, ""}));
  }
  return RebuildProxy(ctx);
}

Status Remove(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "certs:remove APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::string dir = CertDir(ctx.env, app);
  if (!PathExists(dir)) return NotFound(app + " has no certificate");
  RemoveTree(dir);
  ctx.out.Step("Removed the certificate of " + app);
  return RebuildProxy(ctx);
}

// "key=value" lines and the SAN line of `openssl x509 -noout ...`.
struct CertFacts {
  std::string not_before, not_after, subject, issuer, hostnames;
};

CertFacts ParseFacts(const std::string& text) {
  CertFacts f;
  size_t pos = 0;
  bool san_next = false;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    auto value = [&](std::string_view prefix) { return line.substr(prefix.size()); };
    if (san_next) {
      san_next = false;
      std::string names;
      size_t at = 0;
      while ((at = line.find("DNS:", at)) != std::string::npos) {
        at += 4;
        size_t end = line.find_first_of(", ", at);
        names +=
            (names.empty() ? "" : " ") + line.substr(at, end == std::string::npos ? end : end - at);
      }
      f.hostnames = names;
    } else if (line.starts_with("notBefore=")) {
      f.not_before = value("notBefore=");
    } else if (line.starts_with("notAfter=")) {
      f.not_after = value("notAfter=");
    } else if (line.starts_with("subject=")) {
      f.subject = value("subject=");
    } else if (line.starts_with("issuer=")) {
      f.issuer = value("issuer=");
    } else if (line.find("Subject Alternative Name") != std::string::npos) {
      san_next = true;
    }
  }
  return f;
}

Status ReportOne(Context& ctx, const Args& args, const std::string& app) {
  std::string dir = CertDir(ctx.env, app);
  bool enabled = PathExists(dir + "/server.crt") && PathExists(dir + "/server.key");
  CertFacts facts;
  if (enabled) {
    BERTH_ASSIGN_OR_RETURN(
        std::string text,
        Openssl(ctx, {"x509", "-in", dir + "/server.crt", "-noout", "-startdate", "-enddate",
                      "-subject", "-issuer", "-ext", "subjectAltName"}));
    facts = ParseFacts(text);
  }
  Report report(app + " ssl information");
  report.Add("Ssl dir", dir);
  report.Add("Ssl enabled", enabled ? "true" : "false");
  report.Add("Ssl hostnames", facts.hostnames);
  report.Add("Ssl expires at", facts.not_after);
  report.Add("Ssl starts at", facts.not_before);
  report.Add("Ssl subject", facts.subject);
  report.Add("Ssl issuer", facts.issuer);
  report.Add("Ssl self signed", enabled ? (facts.subject == facts.issuer ? "true" : "false") : "");
  return report.Print(ctx.out, args);
}

Status CertsReport(Context& ctx, const Args& args) { return ReportAppOrAll(ctx, args, ReportOne); }

}  // namespace

// clang-format off
void RegisterCertsCommands(CommandRegistry& registry) {
  registry.Add({"certs", "Manage an app's TLS certificate", {
      {.name = "certs:add", .usage = "certs:add APP CRT KEY, or certs:add APP - <tarball",
       .summary = "Add or replace an app's certificate (a tarball of server.crt and "
                  "server.key on stdin)",
       .handler = Add},
      {.name = "certs:generate", .usage = "certs:generate APP DOMAIN",
       .summary = "Generate a self-signed certificate for DOMAIN and add it", .handler = Generate},
      {.name = "certs:remove", .usage = "certs:remove APP", .summary = "Remove an app's certificate",
       .handler = Remove},
      {.name = "certs:report", .usage = "certs:report [APP] [--format json] [--<key>]",
       .summary = "Display certificate information", .handler = CertsReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
}
// clang-format on

}  // namespace berth
