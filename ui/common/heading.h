#pragma once

class QLabel;

namespace portico::ui {

// The three sizes of title in the window: a page's, a side panel's, a dialog's. Each a step
// smaller than the one before, so a panel or a dialog never outshouts the page it sits on.
enum class Heading { Page, Panel, Dialog };

// Sets `label` in the bold, enlarged font of that heading.
void makeHeading(QLabel *label, Heading heading = Heading::Page);

} // namespace portico::ui
