#include "widgets/studio_icons.h"

// Q_INIT_RESOURCE declares an extern function, so it has to be expanded in the global namespace.
static void registerStudioResources() { Q_INIT_RESOURCE(resources); }

namespace studio::widgets {

QIcon studioIcon(const QString& name) {
    static const bool registered = [] {
        registerStudioResources();
        return true;
    }();
    Q_UNUSED(registered);
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(name));
}

}  // namespace studio::widgets
