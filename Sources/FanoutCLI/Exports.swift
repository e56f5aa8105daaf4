@_exported import FanoutKit
