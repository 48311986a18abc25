import CrierCLI
import Foundation

exit(await CrierMain.run())
