#include "core/cli/acl_creator.h"

#include "core/plugins/trigger_catalogue.h"

namespace berth {

Status CreatorGrantingHost::Fire(const TriggerRequest& request) {
  if (request.trigger == triggers::kPostCreate && env_.via_ssh && store_ != nullptr &&
      !request.args.empty()) {
    const std::string& app = request.args[0];
    Status granted = store_->GrantAppAccess(app, env_.key_name);
    // A key berth does not list (an authorized_keys line added by hand) owns nothing.
    if (!granted.ok() && granted.code() != StatusCode::kNotFound) {
      return Status(granted.code(), "Created " + app + " but could not give the key " +
                                        env_.key_name + " access to it: " + granted.message() +
                                        ". An admin can: berth acl:add " + app + " " +
                                        env_.key_name);
    }
  }
  return inner_.Fire(request);
}

}  // namespace berth
