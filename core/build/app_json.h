// app.json as Dokku reads it: deploy scripts, initial formation, healthchecks,
// cron tasks and buildpacks. Everything else in the file is ignored.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

// One entry of healthchecks.<type>. Absent fields keep these defaults, except
// that an absent `type` reads as "startup".
struct Healthcheck {
  std::string type;    // "startup", "liveness" or "readiness"
  std::string name;
  std::string path;    // HTTP path, starting with '/'
  std::string scheme;  // "http" or "https"; empty when not given
  int port = 0;        // 0: the process's own port
  int attempts = 5;
  int timeout = 30;    // seconds per attempt
  int wait = 5;        // seconds between attempts
  int initial_delay = 0;
  std::string content;  // expected substring of the response
  int uptime = 0;       // seconds the process must stay up
  std::vector<std::string> command;  // argv run inside the container
};

struct CronEntry {
  std::string command;
  std::string schedule;  // five cron fields or an @macro such as "@daily"
};

struct AppJson {
  std::string predeploy;                 // scripts.dokku.predeploy
  std::string postdeploy;                // scripts.dokku.postdeploy
  std::string first_deploy_postdeploy;   // scripts.postdeploy
  std::map<std::string, int> formation;  // formation.TYPE.quantity
  std::map<std::string, std::vector<Healthcheck>> healthchecks;  // by process type
  std::vector<CronEntry> cron;
  std::vector<std::string> buildpacks;  // buildpacks[].url, as written
};

// Parses app.json. Fails (kInvalidArgument) on invalid JSON ("app.json is not
// valid JSON at line 3, column 7: ...") and on a known field of the wrong type
// or range, naming the field ("app.json: formation.web.quantity must be a whole
// number from 0 to 1000"). Process type keys must pass IsValidProcessType. A
// healthcheck `command` may be a list of strings or one string, which is split
// into words like a shell would (without expanding anything).
Result<AppJson> ParseAppJson(std::string_view text);

}  // namespace berth
