// Generates, from hooks/triggers.yaml, the C++ trigger catalogue the code fires
// by and the plugin-author reference docs/triggers.md.
//
//   berth_gen_triggers triggers.yaml out/trigger_catalogue.h out/triggers.md
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string ConstantName(const std::string& trigger) {
  std::string out = "k";
  bool upper = true;
  for (char c : trigger) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string Kind(const std::string& kind) {
  if (kind == "observe") return "TriggerKind::kObserve";
  if (kind == "veto") return "TriggerKind::kVeto";
  if (kind == "answer") return "TriggerKind::kAnswer";
  throw std::runtime_error("unknown kind '" + kind + "'");
}

std::string KindDoc(const std::string& kind) {
  if (kind == "veto") return "veto (a non-zero exit stops the action; stderr is shown)";
  if (kind == "answer") return "answer (stdout is read; the first non-empty answer wins)";
  return "observe (stdout is ignored; a non-zero exit is reported as a warning)";
}

bool WriteIfChanged(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  std::stringstream old;
  old << in.rdbuf();
  if (in && old.str() == text) return true;
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: berth_gen_triggers triggers.yaml catalogue.h triggers.md\n";
    return 2;
  }
  try {
    YAML::Node root = YAML::LoadFile(argv[1]);
    std::ostringstream h, md;
    h << "// Generated from hooks/triggers.yaml by tools/gen_triggers.cc. Do not edit.\n"
         "#pragma once\n\n#include \"core/plugins/trigger_spec.h\"\n\n"
         "namespace berth::triggers {\n\n";
    md << "# Plugin triggers\n\n"
          "<!-- Generated from hooks/triggers.yaml by scripts/gen-docs.sh. Do not edit. -->\n\n"
          "A plugin implements a trigger by shipping an executable named after it in its\n"
          "folder. berth runs every implementation in plugin-name order with the arguments\n"
          "below and this environment: `BERTH_ROOT`, `BERTH_BIN`, `PLUGIN_DIR`, `PLUGIN_NAME`,\n"
          "`PLUGIN_PATH`, `APP` (where the trigger has one), and the keys of the plugin's\n"
          "`[plugin.config]` table. A trigger that runs past its timeout is killed and the\n"
          "failure reported. Firing a trigger that no plugin implements starts no process.\n\n"
          "| trigger | kind | arguments | called by |\n|---|---|---|---|\n";
    std::ostringstream table, details;
    std::set<std::string> seen;
    for (const auto& t : root["triggers"]) {
      std::string name = t["name"].as<std::string>();
      if (!seen.insert(name).second) throw std::runtime_error("duplicate trigger " + name);
      std::string kind = t["kind"].as<std::string>();
      int timeout = t["timeout"] ? t["timeout"].as<int>() : 60;
      std::string args;
      int min_args = 0;
      bool variadic = false;
      for (const auto& a : t["args"]) {
        std::string arg = a.as<std::string>();
        args += (args.empty() ? "" : " ") + arg;
        bool many = arg.find("...") != std::string::npos;
        variadic = variadic || many;
        if (!many) ++min_args;
      }
      if (args.find_first_of("\"\\") != std::string::npos) {
        throw std::runtime_error("the args of " + name + " may not hold quotes or backslashes");
      }
      std::string caller = t["caller"].as<std::string>();
      h << "inline constexpr std::string_view " << ConstantName(name) << " = \"" << name << "\";\n";
      table << "    {" << ConstantName(name) << ", " << Kind(kind) << ", " << timeout << ", \""
            << args << "\", " << min_args << ", " << (variadic ? "true" : "false") << "},\n";
      std::string shown_args = args.empty() ? "none" : "`" + args + "`";
      md << "| [`" << name << "`](#" << name << ") | " << kind << " | " << shown_args << " | "
         << caller << " |\n";
      details << "## " << name << "\n\n" << t["description"].as<std::string>() << "\n\n"
              << "- **Kind:** " << KindDoc(kind) << "\n"
              << "- **Arguments:** " << shown_args << "\n"
              << "- **Called by:** " << caller << "\n"
              << "- **Timeout:** " << timeout << " s\n\n";
      if (t["example"]) details << "```bash\n" << t["example"].as<std::string>() << "```\n\n";
    }
    h << "\ninline constexpr TriggerSpec kCatalogue[] = {\n" << table.str() << "};\n\n"
      << "}  // namespace berth::triggers\n";
    md << "\n" << details.str();
    std::string md_text = md.str();
    while (md_text.size() > 1 && md_text.ends_with("\n\n")) md_text.pop_back();
    if (!WriteIfChanged(argv[2], h.str()) || !WriteIfChanged(argv[3], md_text)) {
      std::cerr << "berth_gen_triggers: cannot write output\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "berth_gen_triggers: " << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
