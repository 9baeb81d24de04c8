#include "store/LazyView.h"

#include <stdexcept>

namespace mailrig::fake::detail {

const MessageView& LazyView::get(const std::shared_ptr<const std::string>& data) {
#ifdef MAILRIG_HAVE_MESSAGE_VIEW
    std::call_once(_once, [&] { _view = std::make_unique<MessageView>(*data); });
    return *_view;
#else
    (void)data;
    throw std::logic_error("CapturedMessage::view(): the message view is not built into this library");
#endif
}

} // namespace mailrig::fake::detail
