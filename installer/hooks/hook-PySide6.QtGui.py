"""PyInstaller hook for PySide6.QtGui (overrides PyInstaller's own): the same collection, less the Qt plugins a
desktop app on X11 or Wayland does not use. Dropped before the bundle's library analysis, so that their own
dependencies (GTK and its stack for the GTK theme, the EGLFS/KMS and VNC backends) stay out too."""

from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# Kept: platforms xcb (X11), wayland and offscreen (the self-test), the XDG portal theme, input contexts (dead keys,
# compose, IBus), image formats, the SVG icon engine, the XCB GL integrations and the Wayland client plugins.
DROPPED_TYPES = {"egldeviceintegrations", "generic", "accessiblebridge"}
DROPPED = {
    "platforms": {
        "libqeglfs.so",
        "libqlinuxfb.so",
        "libqminimal.so",
        "libqminimalegl.so",
        "libqvnc.so",
        "libqvkkhrdisplay.so",
    },
    "platformthemes": {"libqgtk3.so"},
}


def _kept(source: str, dest: str) -> bool:
    parts = Path(dest).parts
    if "plugins" not in parts or parts.index("plugins") + 1 >= len(parts):
        return True
    plugin_type = parts[parts.index("plugins") + 1]
    if plugin_type in DROPPED_TYPES:
        return False
    return Path(source).name not in DROPPED.get(plugin_type, set())


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, dest) for source, dest in binaries if _kept(source, dest)]
