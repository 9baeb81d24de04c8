#pragma once

#include <memory>
#include <mutex>
#include <string>

#if __has_include("mailrig/fakeserver/MessageView.h")
#include "mailrig/fakeserver/MessageView.h"
#define MAILRIG_HAVE_MESSAGE_VIEW 1
#endif

namespace mailrig::fake {
class MessageView;
}

namespace mailrig::fake::detail {

/// The parsed view of one captured message, built on first use and shared by every copy of the
/// message. Parsing cost is paid only by tests that look.
struct LazyView {
    const MessageView& get(const std::shared_ptr<const std::string>& data);

private:
    std::once_flag _once;
    std::unique_ptr<MessageView> _view;
};

} // namespace mailrig::fake::detail
