#pragma once
// The TNEF section of `mailrig inspect`: the winmail.dat of a message, decoded by the verifying
// side (mailrig::fake::TnefView), as text and as JSON.

#include "mailrig/fakeserver/MessageView.h"

#include <Poco/Dynamic/Var.h>

#include <ostream>

namespace mailrig::cli {

/// Prints "TNEF: part P" with class, subject, bodies, correlation key, every attachment (name, size,
/// MIME tag) and the reader's problems, or nothing when the message carries no TNEF.
void printTnefSection(const fake::MessageView& view, std::ostream& out);

/// True when the message carries no TNEF or a TNEF without problems.
bool tnefIsClean(const fake::MessageView& view);

/// The same as a JSON object (`null` when the message carries no TNEF).
Poco::Dynamic::Var tnefJson(const fake::MessageView& view);

} // namespace mailrig::cli
