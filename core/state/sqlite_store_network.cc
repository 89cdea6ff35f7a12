// SqliteStore: the ip_addresses table (schema v2), berth's IPAM.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "core/base/ipv4.h"
#include "core/state/sqlite_store.h"

namespace berth {

Result<std::string> SqliteStore::AllocateAddress(std::string_view network, std::string_view subnet,
                                                 std::string_view container_id) {
  BERTH_ASSIGN_OR_RETURN(Ipv4Subnet net, ParseIpv4Subnet(subnet));
  std::string chosen;
  // One IMMEDIATE transaction: concurrent allocations wait for each other, so
  // the lowest free address is still free when it is inserted.
  Status s = Write([&](SQLite::Database& db) -> Status {
    SQLite::Statement held(db, "SELECT network, address FROM ip_addresses WHERE container_id = ?");
    held.bind(1, std::string(container_id));
    if (held.executeStep()) {
      return AlreadyExists("Container " + std::string(container_id) + " already has address " +
                           held.getColumn(1).getString() + " on " + held.getColumn(0).getString());
    }
    std::set<uint32_t> taken;
    SQLite::Statement used(db, "SELECT address FROM ip_addresses WHERE network = ?");
    used.bind(1, std::string(network));
    while (used.executeStep()) {
      auto address = ParseIpv4(used.getColumn(0).getString());
      if (address.ok()) taken.insert(*address);
    }
    for (uint32_t a = net.Gateway() + 1; a < net.Broadcast(); ++a) {
      if (taken.contains(a)) continue;
      chosen = FormatIpv4(a);
      SQLite::Statement insert(
          db, "INSERT INTO ip_addresses (network, address, container_id) VALUES (?, ?, ?)");
      insert.bind(1, std::string(network));
      insert.bind(2, chosen);
      insert.bind(3, std::string(container_id));
      insert.exec();
      return Status::Ok();
    }
    return FailedPrecondition("No free address left in " + net.ToString() + " on " +
                              std::string(network) +
                              ": remove stopped containers (ps:retire) or choose a larger subnet");
  });
  if (!s.ok()) return s;
  return chosen;
}

Status SqliteStore::ReleaseAddress(std::string_view container_id) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement q(db, "DELETE FROM ip_addresses WHERE container_id = ?");
    q.bind(1, std::string(container_id));
    q.exec();
    return Status::Ok();
  });
}

Result<std::vector<AddressRecord>> SqliteStore::ListAddresses(std::string_view network) {
  std::vector<AddressRecord> out;
  Status s = Read([&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT network, address, container_id FROM ip_addresses "
                        "WHERE ?1 = '' OR network = ?1");
    q.bind(1, std::string(network));
    while (q.executeStep()) {
      out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                     q.getColumn(2).getString()});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  // By address as a number, not as text (10.0.0.10 after 10.0.0.9).
  std::sort(out.begin(), out.end(), [](const AddressRecord& a, const AddressRecord& b) {
    auto x = ParseIpv4(a.address);
    auto y = ParseIpv4(b.address);
    uint32_t xa = x.ok() ? *x : 0, ya = y.ok() ? *y : 0;
    return std::tie(a.network, xa) < std::tie(b.network, ya);
  });
  return out;
}

}  // namespace berth
