"""Build ``sample_data/ems_factory/``: a small, realistic EMS factory dataset.

Run ``python -m sample_data.build_ems_factory`` to rewrite the folder; the CSV files are
committed, this script is how they were made (seeded, so it rewrites them identically).
Three customers: Nordlink's IoT gateway (box build over a Class 2 PCBA, ~2,000 a month),
Cardia's medical monitor board (Class 3, with an analog front-end daughter board) and
Drivetek's motor controller (control, power and HMI boards in an aluminium housing).
``sample_data/README.md`` lists which rows exercise which planning rule.

Like a factory that has been running for years, it has a pipeline: besides the scenario POs,
every part has open order lines that keep stock ahead of its needs until its lead time has
passed, except a handful of parts left short on purpose (``SHORT_UNTIL``). The needs are
worked out here with the planning rules in short (``_part_requirements``), so the lines
arrive a few days before they are needed and MRP has no action message on them.

The catalogue below is written as text tables (``id | description | mpn | maker | price
| lead days | msl``); passives are derived from value lists with the manufacturers' part
number patterns (Murata GRM, Yageo RC, Panasonic ERA).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path

import numpy as np
import pandas as pd

from connectors.dataset import write_dataset
from mrp.dataset import Dataset, PlanSettings
from mrp.leadtime import offer_entry_prices
from mrp.quantities import ceil_whole, round_up_to_multiple
from sample_data.tables import schema_frame

AS_OF = date(2026, 11, 23)
SEED = 20261123
FOLDER = Path(__file__).parent / "ems_factory"

NORDLINK, CARDIA, DRIVETEK = "NORDLINK", "CARDIA", "DRIVETEK"
NBE, MURATA, SUNRISE, HANSEN = "NBE", "MURATA", "SUNRISE", "HANSEN"

# kind -> reel quantity (0: not on reels), attrition %, setup loss per load, min usable, feeder
KINDS: dict[str, tuple[int, float, float, float, bool]] = {
    "0201": (15000, 5.0, 25, 300, True),
    "0402": (10000, 3.0, 25, 200, True),
    "0603": (4000, 2.0, 20, 100, True),
    "0805": (4000, 2.0, 20, 0, True),
    "1206": (3000, 2.0, 20, 0, True),
    "2512": (2000, 1.0, 10, 0, True),
    "reel": (3000, 1.0, 10, 0, True),  # SOT-23 / SOD-123 discretes, LEDs, crystals
    "power": (1000, 0.5, 3, 0, True),  # D2PAK / PowerPAK MOSFETs, big inductors
    "ic": (0, 0.5, 2, 0, True),
    "module": (0, 0.5, 0, 0, True),
    "smtcon": (0, 1.0, 3, 0, True),
    "tht": (0, 0.5, 0, 0, False),
    "pcb": (0, 0.0, 0, 0, False),
    "mech": (0, 0.0, 0, 0, False),
    "label": (0, 1.0, 0, 0, False),
    "material": (0, 0.0, 0, 0, False),
}

ICS = """
IC-STM32U585   | MCU Arm Cortex-M33 160 MHz 2 MB flash LQFP100      | STM32U585VIT6Q      | STMicroelectronics | 9.80  | 182 | 3
IC-NRF52840    | Bluetooth LE SoC aQFN73                           | nRF52840-QIAA-R     | Nordic Semiconductor | 3.95 | 112 | 3
IC-W25Q128     | NOR flash 128 Mbit SPI SOIC8                       | W25Q128JVSIQ        | Winbond            | 1.45  | 70  | 1
IC-ATECC608A   | Secure element I2C UDFN8 (superseded)             | ATECC608A-MAHDA-T   | Microchip          | 0.78  | 84  | 1
IC-ATECC608B   | Secure element I2C UDFN8                          | ATECC608B-MAHDA-T   | Microchip          | 0.72  | 84  | 1
IC-LAN8742     | Ethernet PHY 10/100 RMII QFN24                    | LAN8742AI-CZ-TR     | Microchip          | 1.12  | 112 | 3
IC-THVD1450    | RS-485 transceiver 50 Mbps SOIC8                  | THVD1450DR          | Texas Instruments  | 1.20  | 42  | 1
IC-TCAN1042    | CAN FD transceiver SOIC8                          | TCAN1042HGVDRQ1     | Texas Instruments  | 0.85  | 42  | 1
IC-TPS62130    | Buck converter 3 A 17 V QFN16                     | TPS62130RGTR        | Texas Instruments  | 1.35  | 112 | 2
IC-LMR36015    | Buck converter 1.5 A 60 V QFN12                   | LMR36015FRNXR       | Texas Instruments  | 2.10  | 140 | 2
IC-TPS7A2033   | LDO 300 mA 3.3 V SOT-23-5                         | TPS7A2033PDBVR      | Texas Instruments  | 0.32  | 56  | 1
IC-TPS25940    | eFuse 18 V 5 A QFN20                              | TPS25940ARVCR       | Texas Instruments  | 1.75  | 84  | 2
IC-USBLC6      | USB ESD protection SOT-23-6                       | USBLC6-2SC6         | STMicroelectronics | 0.18  | 28  | 1
IC-TPD4E05U06  | 4-channel ESD protection USON10                   | TPD4E05U06DQAR      | Texas Instruments  | 0.22  | 28  | 1
IC-TXS0108     | 8-bit level shifter TSSOP20                       | TXS0108EPWR         | Texas Instruments  | 0.65  | 56  | 1
IC-74LVC1G08   | Single AND gate TSSOP5                            | 74LVC1G08GW,125     | Nexperia           | 0.05  | 28  | 1
IC-PCA9555     | I2C 16-bit I/O expander TSSOP24                   | PCA9555PW,118       | NXP                | 0.85  | 42  | 1
IC-RV3028      | RTC module ultra low power                        | RV-3028-C7 32.768KHZ 1PPM-TA-QC | Micro Crystal | 1.60 | 56 | 1
IC-STM32L496   | MCU Arm Cortex-M4 80 MHz 1 MB flash LQFP100       | STM32L496VGT6       | STMicroelectronics | 7.40  | 210 | 3
IC-ADS1292R    | ECG analog front end 2-channel TQFP32             | ADS1292RIPBSR       | Texas Instruments  | 14.60 | 98  | 3
IC-MAX30101    | Pulse oximetry sensor module OESIP14              | MAX30101EFD+T       | Analog Devices     | 6.80  | 84  | 3
IC-ADUM141E    | Digital isolator 4-channel SOIC16W                | ADUM141E1BRWZ-RL    | Analog Devices     | 3.10  | 112 | 1
IC-UCC12050    | Isolated DC/DC 500 mW SOIC16                      | UCC12050DVER        | Texas Instruments  | 6.20  | 126 | 3
IC-INA333      | Instrumentation amplifier micropower VSSOP8       | INA333AIDGKR        | Texas Instruments  | 2.45  | 56  | 1
IC-OPA2333     | Dual zero-drift op amp VSSOP8                     | OPA2333AIDGKR       | Texas Instruments  | 2.05  | 56  | 1
IC-ADP150      | LDO 150 mA 3.3 V TSOT-5 (superseded 2027-03)      | ADP150AUJZ-3.3-R7   | Analog Devices     | 0.55  | 70  | 1
IC-MX25R6435   | NOR flash 64 Mbit ultra low power SOP8            | MX25R6435FM2IL0     | Macronix           | 1.10  | 70  | 1
IC-TPS62840    | Buck converter 750 mA 60 nA Iq WSON8              | TPS62840DLCR        | Texas Instruments  | 0.95  | 112 | 1
IC-BQ24072     | Li-ion charger 1.5 A QFN16                        | BQ24072RGTR         | Texas Instruments  | 1.65  | 84  | 2
IC-TPD1E10B06  | ESD diode 1-channel X1SON                         | TPD1E10B06DPYR      | Texas Instruments  | 0.06  | 28  | 1
IC-STM32G474   | MCU Arm Cortex-M4 170 MHz motor control LQFP64    | STM32G474RET6       | STMicroelectronics | 6.45  | 238 | 3
IC-DRV8353RS   | Three-phase gate driver 100 V VQFN48              | DRV8353RSRGZR       | Texas Instruments  | 5.80  | 168 | 3
IC-INA240A1    | Current sense amplifier PWM rejection TSSOP8      | INA240A1PWR         | Texas Instruments  | 1.55  | 70  | 1
IC-ISO7741     | Digital isolator 4-channel SOIC16W                | ISO7741DWR          | Texas Instruments  | 2.40  | 98  | 1
IC-LM5164      | Buck converter 100 V 1 A SO-8 PowerPAD            | LM5164DDAR          | Texas Instruments  | 1.30  | 84  | 2
IC-AMC1301     | Isolated amplifier +-250 mV SOIC16W               | AMC1301DWVR         | Texas Instruments  | 4.10  | 112 | 1
IC-TMP1075     | Digital temperature sensor WSON8                  | TMP1075DSGR         | Texas Instruments  | 0.48  | 42  | 1
IC-IS31FL3236  | 36-channel LED driver QFN44                       | IS31FL3236A-QFLS2-TR | Lumissil          | 1.25  | 70  | 3
IC-STM32G031   | MCU Arm Cortex-M0+ 64 MHz UFQFPN32                | STM32G031K8U6       | STMicroelectronics | 1.10  | 182 | 3
"""

MODULES = """
MOD-BG95-M3    | LTE Cat M1/NB2 + GNSS module LGA                  | BG95-M3             | Quectel            | 13.90 | 364 | 3
MOD-EG25G      | LTE Cat 4 modem Mini PCIe card                    | EG25GGB-MINIPCIE    | Quectel            | 38.50 | 112 |
"""

DISCRETES = """
D-BAT54C       | Schottky dual common cathode SOT-23               | BAT54C-7-F          | Diodes Inc         | 0.03  | 28  |
D-B340A        | Schottky 40 V 3 A SMA                             | B340A-13-F          | Diodes Inc         | 0.08  | 28  |
D-SMAJ33A      | TVS 33 V 400 W SMA                                | SMAJ33A-13-F        | Diodes Inc         | 0.09  | 28  |
D-SMBJ58A      | TVS 58 V 600 W SMB                                | SMBJ58A             | Littelfuse         | 0.21  | 35  |
D-PESD5V0      | ESD diode 5 V SOD-323                             | PESD5V0S1BL,315     | Nexperia           | 0.03  | 28  |
D-MMSZ5231     | Zener 5.1 V SOD-123                               | MMSZ5231B-7-F       | Diodes Inc         | 0.02  | 28  |
Q-BSS138       | N-MOSFET 50 V SOT-23                              | BSS138LT1G          | onsemi             | 0.03  | 28  |
Q-MMBT3904     | NPN transistor SOT-23                             | MMBT3904LT1G        | onsemi             | 0.02  | 28  |
Q-DMG2305      | P-MOSFET 20 V SOT-23                              | DMG2305UX-7         | Diodes Inc         | 0.07  | 28  |
Q-2N7002K      | N-MOSFET 60 V ESD protected SOT-23                | 2N7002K-7           | Diodes Inc         | 0.03  | 28  |
LED-0603-GRN   | LED green 0603                                    | LTST-C191KGKT       | Lite-On            | 0.04  | 21  |
LED-0603-RED   | LED red 0603                                      | LTST-C191KRKT       | Lite-On            | 0.04  | 21  |
LED-0603-YEL   | LED yellow 0603                                   | LTST-C191KSKT       | Lite-On            | 0.04  | 21  |
LED-0603-BLU   | LED blue 0603                                     | LTST-C191TBKT       | Lite-On            | 0.06  | 21  |
LED-RGB-PLCC4  | LED RGB PLCC4                                     | ASMB-MTB1-0A3A2     | Broadcom           | 0.18  | 42  |
XTAL-25M       | Crystal 25 MHz 18 pF 3.2x2.5                      | ABM8-25.000MHZ-B2-T | Abracon            | 0.32  | 42  |
XTAL-32M       | Crystal 32 MHz 8 pF 3.2x2.5                       | ABM8-32.000MHZ-D1X-T | Abracon           | 0.36  | 42  |
XTAL-16M       | Crystal 16 MHz 10 pF 3.2x2.5                      | ABM8-16.000MHZ-B2-T | Abracon            | 0.30  | 42  |
XTAL-8M        | Crystal 8 MHz 18 pF 3.2x2.5                       | ABM8-8.000MHZ-B2-T  | Abracon            | 0.30  | 42  |
XTAL-32K       | Crystal 32.768 kHz 12.5 pF                        | ABS07-32.768KHZ-T   | Abracon            | 0.28  | 42  |
"""

POWER = """
Q-IPB180N10    | N-MOSFET 100 V 180 A D2PAK                        | IPB180N10S403ATMA1  | Infineon           | 2.35  | 126 |
Q-BSC040N10    | N-MOSFET 100 V 100 A SuperSO8                     | BSC040N10NS5ATMA1   | Infineon           | 1.45  | 98  | 1
IND-4020-2U2   | Power inductor 2.2 uH 5.6 A                       | XAL4020-222MEB      | Coilcraft          | 0.62  | 56  |
IND-5030-10U   | Power inductor 10 uH 3.1 A                        | XAL5030-103MEB      | Coilcraft          | 0.78  | 56  |
IND-7028-10U   | Power inductor 10 uH 3.6 A shielded               | SRP7028A-100M       | Bourns             | 0.41  | 42  |
"""

SMT_CONNECTORS = """
CON-USBC       | USB Type-C receptacle 16-pin                      | USB4105-GF-A        | GCT                | 0.62  | 35  |
CON-UFL        | U.FL RF connector                                 | U.FL-R-SMT-1(10)    | Hirose             | 0.38  | 42  |
CON-SIM        | Nano SIM card holder push-push                    | SIM8060-6-1-14-00-A | GCT                | 0.74  | 42  |
CON-FPC-10     | FPC connector 10-pin 0.5 mm                       | FH12-10S-0.5SH(55)  | Hirose             | 0.55  | 42  |
CON-SWD-10     | Debug header 2x5 1.27 mm                          | FTSH-105-01-L-DV-K-TR | Samtec           | 1.90  | 35  |
CON-PICO-4     | Wire-to-board header 4-pin 1.25 mm                | 53398-0471          | Molex              | 0.35  | 42  |
CON-MPCIE      | Mini PCIe card socket 52-pin                      | 67910-5700          | Molex              | 1.10  | 56  |
CON-BTB30-P    | Board-to-board plug 30-pin 0.4 mm                 | DF40C-30DP-0.4V(51) | Hirose             | 0.95  | 56  |
CON-BTB30-R    | Board-to-board receptacle 30-pin 0.4 mm           | DF40C-30DS-0.4V(51) | Hirose             | 0.98  | 56  |
SHLD-MON300    | RF shield can 23 x 18 mm                          | BMI-S-230-F         | Laird              | 0.42  | 35  |
"""

THROUGH_HOLE = """
CON-RJ45-MAG   | RJ45 jack with magnetics                          | RJHSE-538A          | Amphenol           | 1.95  | 56  |
CON-TB-2       | Terminal block 2-pos 5.08 mm                      | 1935161             | Phoenix Contact    | 0.62  | 28  |
CON-TB-3       | Terminal block 3-pos 5.08 mm                      | 1935174             | Phoenix Contact    | 0.95  | 28  |
CON-TB-PWR-4   | Power terminal block 4-pos 7.62 mm                | 1714971             | Phoenix Contact    | 3.40  | 35  |
CON-HDR-2X8    | Board-to-board header 2x8 2.54 mm                 | TSW-108-07-G-D      | Samtec             | 0.88  | 28  |
CAP-ALU-470U   | Aluminium electrolytic 470 uF 63 V radial         | EEU-FR1J471         | Panasonic          | 0.80  | 42  |
SW-TACT        | Tactile switch 6x6 mm                             | B3F-1000            | Omron              | 0.12  | 28  |
"""

BOX_BUILD = """
ANT-LTE-SMA    | LTE dipole antenna SMA hinged                     | TG.30.8113          | Taoglas            | 4.20  | 28  |
CAB-UFL-SMA    | Cable U.FL to SMA bulkhead 100 mm                 | CAB.011             | Taoglas            | 1.35  | 28  |
FAN-40         | Fan 40 mm 24 V                                    | 9GA0424P3J001       | Sanyo Denki        | 8.50  | 56  |
"""

HANSEN_PARTS = """
PCB-GW4200-MAIN | Bare PCB GW-4200 main rev C 6L 120x80           | GW4200-MAIN-C       | Hansen             | 4.85  | 21  |
PCB-MON300-MAIN | Bare PCB MON-300 main rev B 8L HDI              | MON300-MAIN-B       | Hansen             | 7.90  | 28  |
PCB-MON300-AFE  | Bare PCB MON-300 AFE rev B 4L                   | MON300-AFE-B        | Hansen             | 2.10  | 21  |
PCB-MC750-CTRL  | Bare PCB MC-750 control rev A 6L                | MC750-CTRL-A        | Hansen             | 5.20  | 21  |
PCB-MC750-PWR   | Bare PCB MC-750 power rev A 4L 2 oz             | MC750-PWR-A         | Hansen             | 11.40 | 28  |
PCB-MC750-HMI   | Bare PCB MC-750 HMI rev B 2L                    | MC750-HMI-B         | Hansen             | 1.80  | 21  |
ENC-GW4200-TOP  | Enclosure top PC/ABS UL94-V0 grey               | GW4200-ENC-T        | Hansen             | 2.85  | 35  |
ENC-GW4200-BOT  | Enclosure bottom PC/ABS UL94-V0 grey            | GW4200-ENC-B        | Hansen             | 2.40  | 35  |
ENC-MC750       | Housing extruded aluminium anodised             | MC750-HSG           | Hansen             | 9.80  | 42  |
DIN-CLIP-35     | DIN rail clip 35 mm                             | DRC-35-PA           | Hansen             | 0.35  | 21  |
SCR-M3X8        | Screw M3x8 Torx thread-forming                  | DIN7500-M3X8-T10    | Hansen             | 0.03  | 14  |
SCR-M4X10       | Screw M4x10 Torx stainless                      | ISO14580-M4X10-A2   | Hansen             | 0.05  | 14  |
PAD-THERM-20    | Thermal pad 20x20x1 mm 3 W/mK                   | TP-3W-20201         | Hansen             | 0.22  | 21  |
CAB-MC750-16P   | Ribbon cable 16-pin 100 mm                      | MC750-RIB16         | Hansen             | 0.60  | 21  |
LBL-GW4200      | Rating label GW-4200 polyester                  | LBL-GW4200-R2       | Hansen             | 0.06  | 14  |
LBL-MC750       | Rating label MC-750 polyester                   | LBL-MC750-R1        | Hansen             | 0.06  | 14  |
BOX-GW4200      | Carton GW-4200 single unit with insert          | BOX-GW4200-1        | Hansen             | 0.45  | 14  |
BOX-MC750       | Carton MC-750 single unit with foam             | BOX-MC750-1         | Hansen             | 0.95  | 14  |
"""

NO_OFFER = """
HS-MC750        | Heatsink MC-750 power stage (new, quote pending) |                      |                    | 6.50  | 42  |
"""

# Murata GRM capacitors: size, capacitance pF, voltage, dielectric, unit price
CAPACITORS = [
    ("0201", 100e3, 6.3, "X5R", 0.004), ("0201", 10e3, 10, "X7R", 0.003), ("0201", 1e3, 25, "X7R", 0.003),
    ("0201", 22, 25, "C0G", 0.004), ("0201", 4.7, 25, "C0G", 0.005), ("0201", 1e6, 6.3, "X5R", 0.009),
    ("0402", 100e3, 16, "X7R", 0.004), ("0402", 1e6, 16, "X5R", 0.012), ("0402", 10e3, 50, "X7R", 0.003),
    ("0402", 4.7e6, 10, "X5R", 0.031), ("0402", 2.2e6, 10, "X5R", 0.019), ("0402", 22, 50, "C0G", 0.004),
    ("0402", 18, 50, "C0G", 0.004), ("0402", 12, 50, "C0G", 0.004), ("0402", 10, 50, "C0G", 0.004),
    ("0402", 1e3, 50, "X7R", 0.003), ("0402", 100, 50, "C0G", 0.004), ("0402", 47e3, 16, "X7R", 0.004),
    ("0402", 220e3, 10, "X7R", 0.006), ("0402", 2.2e3, 50, "X7R", 0.003), ("0402", 33, 50, "C0G", 0.004),
    ("0402", 15, 50, "C0G", 0.004), ("0402", 4.7e3, 50, "X7R", 0.003), ("0402", 470e3, 10, "X5R", 0.008),
    ("0603", 10e6, 16, "X5R", 0.042), ("0603", 4.7e6, 25, "X5R", 0.035), ("0603", 1e6, 50, "X7R", 0.021),
    ("0603", 22e6, 6.3, "X5R", 0.058), ("0603", 100e3, 100, "X7R", 0.011), ("0603", 2.2e6, 25, "X7R", 0.026),
    ("0603", 10e3, 100, "X7R", 0.009),
    ("0805", 22e6, 25, "X5R", 0.110), ("0805", 10e6, 50, "X5R", 0.095), ("0805", 4.7e6, 50, "X7R", 0.070),
    ("0805", 47e6, 6.3, "X5R", 0.140),
    ("1206", 10e6, 50, "X7R", 0.190), ("1206", 4.7e6, 100, "X7R", 0.240), ("1206", 1e6, 100, "X7R", 0.090),
]
GRM_SIZE = {"0201": "033", "0402": "155", "0603": "188", "0805": "21B", "1206": "31C"}
GRM_SUFFIX = {"0201": "E15D", "0402": "A88D", "0603": "A93D", "0805": "E44L", "1206": "A12L"}
GRM_DIELECTRIC = {"X5R": "R6", "X7R": "R7", "C0G": "5C"}
GRM_VOLTAGE = {6.3: "0J", 10: "1A", 16: "1C", 25: "1E", 50: "1H", 100: "2A"}

# Yageo RC resistors (1 %, 0R jumpers 5 %): size -> values in ohm
RESISTORS = {
    "0201": [10e3, 100e3, 1e3, 0, 4.7e3, 22, 49.9],
    "0402": [10e3, 100e3, 1e3, 4.7e3, 2.2e3, 0, 22, 33, 47e3, 100, 1e6, 330, 5.1e3, 49.9, 12e3, 20e3,
             68e3, 15e3, 27e3, 150e3, 1.5e3, 2e3, 470, 10, 220e3, 3.3e3],
    "0603": [10e3, 1e3, 0, 4.7e3, 100, 10, 330, 2.2e3],
    "0805": [0, 10, 100e3, 1e3],
    "1206": [10, 1e6, 0],
}
RESISTOR_PRICE = {"0201": 0.0024, "0402": 0.0011, "0603": 0.0016, "0805": 0.0032, "1206": 0.0065}
PRECISION_RESISTORS = [10e3, 1e3, 100e3]  # Panasonic ERA-2AEB 0402 0.1 %
SHUNTS = [(0.005, "WSL2512R0050FEA", 0.48), (0.010, "WSL2512R0100FEA", 0.44)]
BEADS = [
    ("FB-0402-220R", "Ferrite bead 220 ohm 100 MHz 0402", "BLM15PG221SN1D", "0402", 0.012),
    ("FB-0402-120R", "Ferrite bead 120 ohm 100 MHz 0402", "BLM15AG121SN1D", "0402", 0.010),
    ("FB-0603-600R", "Ferrite bead 600 ohm 100 MHz 0603", "BLM18KG601SN1D", "0603", 0.018),
    ("FB-0603-470R", "Ferrite bead 470 ohm 100 MHz 0603 2 A", "BLM18PG471SN1D", "0603", 0.021),
    ("IND-0402-2N7", "RF inductor 2.7 nH 0402", "LQW15AN2N7C10D", "0402", 0.045),
    ("IND-1212-4U7", "Power inductor 4.7 uH 0.75 A 1212", "LQH3NPN4R7MM0L", "0805", 0.085),
]

# Board bills of material: (child, qty) for the parts named; passives are drawn per board.
BOARDS: dict[str, dict] = {
    "PCBA-GW4200-MAIN": {
        "feeders": 92, "sizes": {"0402": 0.75, "0201": 0.10, "0603": 0.10, "0805": 0.05},
        "parts": [
            ("PCB-GW4200-MAIN", 1), ("PRG-GW4200-MCU", 1), ("IC-NRF52840", 1), ("IC-W25Q128", 1),
            ("IC-ATECC608A", 1), ("IC-ATECC608B", 1), ("IC-LAN8742", 1), ("IC-THVD1450", 1),
            ("IC-TCAN1042", 1), ("IC-TPS62130", 1), ("IC-LMR36015", 1), ("IC-TPS7A2033", 2),
            ("IC-TPS25940", 1), ("IC-USBLC6", 1), ("CAP-0603-10U-16V", 4), ("CAP-0402-10N-50V", 6),
            ("RES-0402-4K7", 5), ("IC-TPD4E05U06", 2), ("IC-TXS0108", 1),
            ("IC-74LVC1G08", 2), ("IC-PCA9555", 1), ("IC-RV3028", 1), ("D-BAT54C", 2), ("D-B340A", 1),
            ("D-SMAJ33A", 2), ("D-PESD5V0", 6), ("Q-BSS138", 4), ("Q-DMG2305", 1), ("LED-0603-GRN", 3),
            ("LED-0603-RED", 1), ("LED-0603-YEL", 1), ("XTAL-25M", 1), ("XTAL-32M", 1), ("XTAL-32K", 1),
            ("IND-4020-2U2", 1), ("IND-5030-10U", 1), ("IND-0402-2N7", 1), ("FB-0402-220R", 4),
            ("FB-0603-600R", 2), ("CON-USBC", 1), ("CON-UFL", 1), ("CON-MPCIE", 1), ("CON-SWD-10", 1),
            ("CON-RJ45-MAG", 1), ("CON-TB-3", 2),
        ],
    },
    "PCBA-MON300": {
        "feeders": 72, "sizes": {"0201": 0.45, "0402": 0.50, "0603": 0.05},
        "parts": [
            ("PCB-MON300-MAIN", 1), ("PCBA-MON300-AFE", 1), ("IC-STM32L496", 1), ("IC-MAX30101", 1),
            ("IC-ADUM141E", 1), ("IC-UCC12050", 1), ("IC-ADP150", 2), ("IC-TPS7A2033", 2),
            ("IC-MX25R6435", 1), ("IC-TPS62840", 1), ("CAP-0201-100N-6.3V", 24), ("IC-BQ24072", 1),
            ("IC-TPD1E10B06", 4),
            ("D-PESD5V0", 2), ("Q-2N7002K", 2), ("LED-0603-GRN", 1), ("LED-0603-YEL", 1), ("XTAL-16M", 1),
            ("XTAL-32K", 1), ("IND-1212-4U7", 1), ("FB-0402-120R", 3), ("CON-FPC-10", 1), ("CON-BTB30-R", 1),
            ("CON-USBC", 1), ("SHLD-MON300", 1), ("MAT-COAT-1B31", 0.004),
        ],
    },
    "PCBA-MON300-AFE": {
        "feeders": 32, "sizes": {"0402": 1.0},
        "parts": [
            ("PCB-MON300-AFE", 1), ("IC-ADS1292R", 1), ("IC-INA333", 2), ("IC-OPA2333", 2),
            ("RES-0402-10K-PREC", 6), ("RES-0402-1K-PREC", 4), ("RES-0402-100K-PREC", 2),
            ("IC-TPD1E10B06", 3), ("FB-0402-120R", 2), ("CON-BTB30-P", 1),
        ],
    },
    "PCBA-MC750-CTRL": {
        "feeders": 74, "sizes": {"0402": 0.70, "0603": 0.30},
        "parts": [
            ("PCB-MC750-CTRL", 1), ("IC-STM32G474", 1), ("MOD-BG95-M3", 1), ("IC-ISO7741", 2),
            ("IC-TCAN1042", 1), ("IC-AMC1301", 2), ("IC-LM5164", 1), ("IC-TPS7A2033", 2), ("IC-TMP1075", 1),
            ("IC-W25Q128", 1), ("IC-USBLC6", 1), ("D-BAT54C", 2), ("D-MMSZ5231", 2), ("D-PESD5V0", 4),
            ("Q-MMBT3904", 2), ("Q-BSS138", 2), ("LED-0603-GRN", 1), ("LED-0603-RED", 1), ("XTAL-8M", 1),
            ("IND-7028-10U", 1), ("FB-0603-470R", 2), ("CON-UFL", 1), ("CON-SIM", 1), ("CON-SWD-10", 1),
            ("CON-PICO-4", 2), ("CON-HDR-2X8", 1), ("CON-TB-2", 1),
        ],
    },
    "PCBA-MC750-PWR": {
        "feeders": 30, "sizes": {"0603": 0.35, "0805": 0.30, "1206": 0.35},
        "parts": [
            ("PCB-MC750-PWR", 1), ("Q-IPB180N10", 6), ("Q-BSC040N10", 2), ("IC-DRV8353RS", 1),
            ("IC-INA240A1", 3), ("RES-2512-R005", 3), ("RES-2512-R010", 1), ("D-SMBJ58A", 2),
            ("D-B340A", 3), ("IND-7028-10U", 1), ("CAP-ALU-470U", 4), ("CON-TB-PWR-4", 2),
            ("CON-HDR-2X8", 1),
        ],
    },
    "PCBA-MC750-HMI": {
        "feeders": 84, "sizes": {"0402": 0.50, "0603": 0.25, "0805": 0.10, "0201": 0.15},
        "parts": [
            ("PCB-MC750-HMI", 1), ("IC-IS31FL3236", 1), ("IC-STM32G031", 1), ("IC-TPS7A2033", 1),
            ("IC-74LVC1G08", 1), ("LED-0603-GRN", 8), ("LED-0603-RED", 4), ("LED-0603-YEL", 4),
            ("LED-0603-BLU", 2), ("LED-RGB-PLCC4", 3), ("Q-MMBT3904", 4), ("Q-2N7002K", 2), ("D-BAT54C", 2),
            ("D-PESD5V0", 4), ("XTAL-32K", 1), ("CON-PICO-4", 1), ("SW-TACT", 4),
        ],
    },
}
ASSEMBLIES: dict[str, list[tuple[str, float]]] = {
    "GW-4200": [
        ("PCBA-GW4200-MAIN", 1), ("ENC-GW4200-TOP", 1), ("ENC-GW4200-BOT", 1), ("MOD-EG25G", 1),
        ("ANT-LTE-SMA", 1), ("CAB-UFL-SMA", 1), ("PAD-THERM-20", 1), ("SCR-M3X8", 4), ("DIN-CLIP-35", 1),
        ("LBL-GW4200", 1), ("BOX-GW4200", 1),
    ],
    "PRG-GW4200-MCU": [("IC-STM32U585", 1)],
    "MC-750": [
        ("PCBA-MC750-CTRL", 1), ("PCBA-MC750-PWR", 1), ("PCBA-MC750-HMI", 1), ("ENC-MC750", 1),
        ("HS-MC750", 1), ("FAN-40", 1), ("PAD-THERM-20", 2), ("CAB-MC750-16P", 1), ("SCR-M4X10", 6),
        ("SCR-M3X8", 8), ("LBL-MC750", 1), ("BOX-MC750", 1),
    ],
}
MAKE_ITEMS = [
    # item, description, lead days, lot rule, lot size / period, yield %
    ("GW-4200", "IoT gateway GW-4200 box build (LTE, Ethernet, RS-485, CAN)", 3, "L4L", None, 100.0),
    ("PCBA-GW4200-MAIN", "PCBA GW-4200 main board, IPC-A-610 Class 2", 4, "POQ", 14, 98.5),
    ("PRG-GW4200-MCU", "STM32U585 programmed with GW-4200 bootloader", 2, "FOQ", 1000, 99.5),
    ("PCBA-MON300", "PCBA MON-300 patient monitor main board, IPC-A-610 Class 3, coated", 5, "L4L", None, 97.0),
    ("PCBA-MON300-AFE", "PCBA MON-300 ECG analog front end, IPC-A-610 Class 3", 3, "L4L", None, 98.0),
    ("MC-750", "Motor controller MC-750 7.5 kW, housing assembly", 4, "L4L", None, 100.0),
    ("PCBA-MC750-CTRL", "PCBA MC-750 control board, IPC-A-610 Class 2", 4, "L4L", None, 99.0),
    ("PCBA-MC750-PWR", "PCBA MC-750 power stage, IPC-A-610 Class 2", 3, "POQ", 28, 99.5),
    ("PCBA-MC750-HMI", "PCBA MC-750 front panel HMI", 3, "L4L", None, 99.0),
]
SMT_PROCESS = {  # placements are the board's placement count; line_ids restrict where it may run
    "PCBA-GW4200-MAIN": "", "PCBA-MON300": "SMT3", "PCBA-MON300-AFE": "SMT3",
    "PCBA-MC750-CTRL": "SMT1;SMT2", "PCBA-MC750-PWR": "", "PCBA-MC750-HMI": "SMT3",
}
# Engineering changes: (parent, old part, new part, change date)
ECOS = [
    ("PCBA-GW4200-MAIN", "IC-ATECC608A", "IC-ATECC608B", date(2026, 11, 2)),
    ("PCBA-MON300", "IC-ADP150", "IC-TPS7A2033", date(2027, 3, 1)),
]
MONTHLY_VOLUME = {"GW-4200": 2000, "PCBA-MON300": 300, "MC-750": 400}


@dataclass
class Part:
    """A purchased part: its item, its main MPN, and a kind that sets reel and loss defaults."""

    item_id: str
    description: str
    kind: str
    mpn: str
    manufacturer: str
    price: float
    lead_time_days: int
    msl_level: str = ""
    uom: str = "pcs"
    alternates: list[tuple[str, str, float]] = field(default_factory=list)  # (mpn, maker, price factor)

    @property
    def reel_qty(self) -> int:
        return KINDS[self.kind][0]


def build() -> Dataset:
    """The whole sample factory, deterministically."""
    rng = np.random.default_rng(SEED)
    catalogue = {p.item_id: p for p in _catalogue()}
    bom = _bom(rng, catalogue)
    # The passive ranges are the manufacturers'; the item master holds what the BOMs use.
    parts = {i: p for i, p in catalogue.items() if any(line["child_id"] == i for line in bom)}
    need_per_day = _need_per_day(bom, parts)
    offers = _offers(rng, parts)
    offers["ncnr"] = (offers["supplier_id"] == NBE) & offers["item_id"].isin(NCNR_PARTS)
    demand = _demand()
    inventory = _inventory(rng, parts, need_per_day)
    needs = _part_requirements(bom, parts, demand)
    return Dataset(
        settings=PlanSettings(as_of=AS_OF),
        items=_lifecycle(_items(parts)),
        bom=_bom_table(bom),
        demand=demand,
        inventory=inventory,
        purchase_orders=_purchase_orders(rng, parts, needs, inventory, offers),
        work_orders=_work_orders(),
        suppliers=schema_frame("suppliers", {
            "supplier_id": [HANSEN, MURATA, NBE, SUNRISE],
            "name": ["Hansen Precision Mechanics & PCB", "Murata Electronics Europe (direct)",
                     "Northbridge Electronics (franchised distributor)", "Sunrise Components (independent broker)"],
            "on_time_pct": [97.5, 91.0, 95.5, 82.0],
            "min_order_value": [np.nan, 2500.0, np.nan, np.nan],
        }),
        supplier_offers=offers,
        smt_lines=schema_frame("smt_lines", {
            "line_id": ["SMT1", "SMT2", "SMT3"],
            "placements_per_hour": [60000.0, 42000.0, 25000.0],
            "feeder_slots": [160, 120, 80],
            "hours_per_day": [24.0, 16.0, 16.0],
            "changeover_base_minutes": [20.0, 25.0, 30.0],
            "minutes_per_feeder_change": [1.5, 2.0, 2.0],
        }),
        smt_process=_smt_process(bom),
        customers=schema_frame("customers", {
            "customer_id": [CARDIA, DRIVETEK, NORDLINK],
            "name": ["Cardia Medical GmbH", "Drivetek Automation AG", "Nordlink Systems AB"],
            "material_authorisation_days": AUTHORISATION_DAYS,
        }),
        approved_mpns=schema_frame("approved_mpns", {k: [r[i] for r in APPROVED_MPNS]
                                                     for i, k in enumerate(("customer_id", "item_id", "mpn"))}),
    )


# --- EMS buying rules ------------------------------------------------------------------
#: Days of forecast each customer authorises material for (customers.csv, in that order):
#: Cardia's medical programme covers half a year; Drivetek 60 days, Nordlink 90.
AUTHORISATION_DAYS = [180, 60, 90]
#: The customers' AMLs: Cardia (Class 3, medical) has qualified only the Murata parts of
#: the two workhorse capacitors, not the Samsung second sources; Nordlink approves both for
#: the 100 nF. Drivetek lists none, so it accepts every MPN.
APPROVED_MPNS = [
    (CARDIA, "CAP-0402-100N-16V", "GRM155R71C104KA88D"),
    (CARDIA, "CAP-0402-1U-16V", "GRM155R61C105KA88D"),
    (NORDLINK, "CAP-0402-100N-16V", "CL05B104KO5NNNC"),
    (NORDLINK, "CAP-0402-100N-16V", "GRM155R71C104KA88D"),
]
#: Long-lead semiconductors the distributor sells non-cancellable, non-returnable.
NCNR_PARTS = ("IC-STM32U585", "IC-NRF52840", "MOD-BG95-M3")
#: item -> (lifecycle, last-time-buy date): TI discontinues the RS-485 transceiver of the
#: gateway (orders taken until 26 Feb 2027); the Ethernet PHY is not for new designs.
LIFECYCLE = {"IC-THVD1450": ("eol", date(2027, 2, 26)), "IC-LAN8742": ("nrnd", None)}


def _lifecycle(items: pd.DataFrame) -> pd.DataFrame:
    items = items.copy()
    for item_id, (stage, last_buy) in LIFECYCLE.items():
        row = items["item_id"] == item_id
        items.loc[row, "lifecycle"] = stage
        if last_buy is not None:
            items.loc[row, "last_time_buy_date"] = pd.Timestamp(last_buy)
    return items


# --- catalogue -------------------------------------------------------------------------
def _parse(text: str, kind: str) -> list[Part]:
    parts = []
    for line in text.strip().splitlines():
        item_id, description, mpn, maker, price, lead, msl = (c.strip() for c in line.split("|"))
        parts.append(Part(item_id, description, kind, mpn, maker, float(price), int(lead), msl))
    return parts


def _catalogue() -> list[Part]:
    parts = (
        _parse(ICS, "ic") + _parse(MODULES, "module") + _parse(DISCRETES, "reel") + _parse(POWER, "power")
        + _parse(SMT_CONNECTORS, "smtcon") + _parse(THROUGH_HOLE, "tht") + _parse(BOX_BUILD, "mech")
        + _parse(HANSEN_PARTS, "mech") + _parse(NO_OFFER, "mech")
    )
    for p in parts:
        if p.item_id.startswith("PCB-"):
            p.kind = "pcb"
        elif p.item_id.startswith("LBL-"):
            p.kind = "label"
    parts += [_capacitor(*c) for c in CAPACITORS]
    parts += [_resistor(size, ohms) for size, values in RESISTORS.items() for ohms in values]
    parts += [
        Part(f"RES-0402-{_ohms_label(r)}-PREC", f"Resistor {_ohms_label(r)} 0.1 % 25 ppm 0402", "0402",
             f"ERA-2AEB{_resistor_code(r)}X", "Panasonic", 0.065, 42)
        for r in PRECISION_RESISTORS
    ]
    parts += [
        Part(f"RES-2512-R{int(round(r * 1000)):03d}", f"Current shunt {r * 1000:g} mOhm 1 % 2512", "2512",
             mpn, "Vishay Dale", price, 56)
        for r, mpn, price in SHUNTS
    ]
    parts += [Part(i, d, size, mpn, "Murata", price, 56) for i, d, mpn, size, price in BEADS]
    parts.append(Part("MAT-COAT-1B31", "Conformal coating acrylic HumiSeal 1B31, litre", "material",
                      "1B31-1L", "HumiSeal", 38.0, 21, uom="l"))
    # A second approved manufacturer for the two workhorse capacitors.
    alternates = {"CAP-0402-100N-16V": ("CL05B104KO5NNNC", "Samsung", 0.85),
                  "CAP-0402-1U-16V": ("CL05A105KA5NQNC", "Samsung", 0.9)}
    for p in parts:
        if p.item_id in alternates:
            p.alternates.append(alternates[p.item_id])
    return parts


def _capacitance_label(pf: float) -> str:
    for scale, unit in ((1e6, "U"), (1e3, "N"), (1.0, "P")):
        if pf >= scale:
            value = pf / scale
            return f"{value:g}".replace(".", unit) if value != int(value) else f"{int(value)}{unit}"
    return f"{pf:g}".replace(".", "P")


def _capacitance_code(pf: float) -> str:
    if pf < 10:
        return f"{pf:.1f}".replace(".", "R")
    exponent = int(math.floor(math.log10(pf))) - 1
    return f"{int(round(pf / 10 ** exponent)):02d}{exponent}"


def _capacitor(size: str, pf: float, volts: float, dielectric: str, price: float) -> Part:
    label = _capacitance_label(pf)
    tolerance = "K" if dielectric != "C0G" else ("C" if pf < 10 else "J")
    mpn = (f"GRM{GRM_SIZE[size]}{GRM_DIELECTRIC[dielectric]}{GRM_VOLTAGE[volts]}"
           f"{_capacitance_code(pf)}{tolerance}{GRM_SUFFIX[size]}")
    return Part(f"CAP-{size}-{label}-{volts:g}V", f"Capacitor {_capacitance_text(pf)} {volts:g} V {dielectric} {size}",
                size, mpn, "Murata", price, 56)


def _capacitance_text(pf: float) -> str:
    for scale, unit in ((1e6, "uF"), (1e3, "nF"), (1.0, "pF")):
        if pf >= scale:
            return f"{pf / scale:g} {unit}"
    return f"{pf:g} pF"


def _ohms_label(ohms: float) -> str:
    for scale, unit in ((1e6, "M"), (1e3, "K"), (1.0, "R")):
        if ohms >= scale:
            value = ohms / scale
            return f"{value:g}".replace(".", unit) if value != int(value) else f"{int(value)}{unit}"
    return "0R"


def _resistor_code(ohms: float) -> str:
    """Panasonic's 4-digit resistance code: 3 significant digits and a multiplier."""
    exponent = int(math.floor(math.log10(ohms))) - 2
    return f"{int(round(ohms / 10 ** exponent)):03d}{exponent}"


def _resistor(size: str, ohms: float) -> Part:
    label = _ohms_label(ohms)
    tolerance = "JR" if ohms == 0 else "FR"
    description = "Jumper 0 ohm" if ohms == 0 else f"Resistor {label} 1 % {size}"
    return Part(f"RES-{size}-{label}", description, size, f"RC{size}{tolerance}-07{label}L", "Yageo",
                RESISTOR_PRICE[size], 28)


# --- bill of materials -----------------------------------------------------------------
def _bom(rng: np.random.Generator, parts: dict[str, Part]) -> list[dict]:
    """BOM lines as dicts; board passives drawn by size mix, the workhorses always in."""
    lines: list[dict] = []
    for parent, children in ASSEMBLIES.items():
        lines += [{"parent_id": parent, "child_id": c, "qty_per": float(q)} for c, q in children]
    for board, spec in BOARDS.items():
        named = [{"parent_id": board, "child_id": c, "qty_per": float(q)} for c, q in spec["parts"]]
        lines += named
        feeders = sum(1 for line in named if _is_feeder_part(parts.get(line["child_id"])))
        named_ids = {line["child_id"] for line in named}
        lines += _board_passives(rng, board, spec["sizes"], spec["feeders"] - feeders, parts, named_ids)
    ecos = {(parent, old): when for parent, old, _, when in ECOS}
    ecos_new = {(parent, new): when for parent, _, new, when in ECOS}
    for line in lines:
        key = (line["parent_id"], line["child_id"])
        line["valid_to"] = ecos.get(key)
        line["valid_from"] = ecos_new.get(key)
        part = parts.get(line["child_id"])
        line["feeder"] = line["parent_id"].startswith("PCBA-") and _is_feeder_part(part)
        line["attrition_pct"] = None
        line["setup_loss_qty"] = None
        # Class 3 boards are placed slower and inspected harder: 0201 losses are higher there.
        if line["parent_id"].startswith("PCBA-MON300") and part is not None and part.kind == "0201":
            line["attrition_pct"] = 6.0
        if line["parent_id"] == "PCBA-MC750-PWR" and line["child_id"] == "Q-IPB180N10":
            line["setup_loss_qty"] = 1.0
    _assign_ref_des(lines)
    return lines


def _is_feeder_part(part: Part | None) -> bool:
    return part is not None and KINDS[part.kind][4]


def _board_passives(rng: np.random.Generator, board: str, sizes: dict[str, float], count: int,
                    parts: dict[str, Part], named: set[str]) -> list[dict]:
    workhorses = [i for i in ("CAP-0402-100N-16V", "RES-0402-10K", "CAP-0402-1U-16V") if "0402" in sizes]
    pool = [p for p in parts.values()
            if p.kind in sizes and p.item_id.startswith(("CAP-", "RES-")) and not p.item_id.endswith("PREC")
            and p.item_id not in workhorses and p.item_id not in named and not p.item_id.startswith("RES-2512")]
    weights = np.array([sizes[p.kind] for p in pool])
    chosen = rng.choice(len(pool), size=count - len(workhorses), replace=False, p=weights / weights.sum())
    ids = workhorses + sorted(pool[i].item_id for i in chosen)
    quantities = rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 8], size=len(ids))
    big = {"CAP-0402-100N-16V": 38, "RES-0402-10K": 22, "CAP-0402-1U-16V": 12}
    return [{"parent_id": board, "child_id": i, "qty_per": float(big.get(i, q))} for i, q in zip(ids, quantities)]


REF_PREFIX = {"CAP": "C", "RES": "R", "FB": "FB", "IND": "L", "IC": "U", "PRG": "U", "MOD": "U", "D": "D",
              "Q": "Q", "LED": "D", "XTAL": "Y", "CON": "J", "SHLD": "SH", "SW": "SW", "PCBA": "A"}


def _assign_ref_des(lines: list[dict]) -> None:
    """Consecutive designators per board and prefix, written as ranges (C12-C49); the part an
    engineering change brings in takes the designators of the part it replaces."""
    replaced = {(parent, new): old for parent, old, new, _ in ECOS}
    by_child = {(line["parent_id"], line["child_id"]): line for line in lines}
    counters: dict[tuple[str, str], int] = {}
    for line in lines:
        prefix = REF_PREFIX.get(line["child_id"].split("-")[0])
        old = replaced.get((line["parent_id"], line["child_id"]))
        if old is not None:
            line["ref_des"] = by_child[(line["parent_id"], old)]["ref_des"]
            continue
        if prefix is None or not line["parent_id"].startswith("PCBA-"):
            line["ref_des"] = ""
            continue
        first = counters.get((line["parent_id"], prefix), 0) + 1
        last = first + int(line["qty_per"]) - 1
        counters[(line["parent_id"], prefix)] = last
        line["ref_des"] = f"{prefix}{first}" if first == last else f"{prefix}{first}-{prefix}{last}"


def _bom_table(lines: list[dict]) -> pd.DataFrame:
    ordered = sorted(lines, key=lambda line: (line["parent_id"], line["child_id"]))
    columns = {k: [line[k] for line in ordered] for k in
               ("parent_id", "child_id", "qty_per", "attrition_pct", "setup_loss_qty", "ref_des", "feeder",
                "valid_from", "valid_to")}
    for k in ("attrition_pct", "setup_loss_qty"):
        columns[k] = [np.nan if v is None else v for v in columns[k]]
    for k in ("valid_from", "valid_to"):
        columns[k] = [np.datetime64("NaT") if v is None else np.datetime64(v) for v in columns[k]]
    return schema_frame("bom", columns)


def _need_per_day(lines: list[dict], parts: dict[str, Part]) -> dict[str, float]:
    """Rough daily consumption of each part (forecast volumes exploded with yields and losses);
    enough to size stock in days of cover, not a plan."""
    yields = {item: y for item, _, _, _, _, y in MAKE_ITEMS}
    children: dict[str, list[dict]] = {}
    for line in lines:
        if line["valid_to"] is None or line["valid_to"] > AS_OF:
            children.setdefault(line["parent_id"], []).append(line)
    need: dict[str, float] = {}

    def explode(item: str, per_day: float) -> None:
        need[item] = need.get(item, 0.0) + per_day
        started = per_day / (yields.get(item, 100.0) / 100.0)
        for line in children.get(item, []):
            part = parts.get(line["child_id"])
            attrition = line["attrition_pct"] if line["attrition_pct"] is not None else (
                KINDS[part.kind][1] if part else 0.0)
            explode(line["child_id"], started * line["qty_per"] * (1 + attrition / 100))

    for item, volume in MONTHLY_VOLUME.items():
        explode(item, volume * 12 / 365)
    return need


# --- item master -----------------------------------------------------------------------
SAFETY_STOCK = {"CAP-0402-100N-16V": 20000.0, "RES-0402-10K": 20000.0, "IC-TPS7A2033": 500.0,
                "MOD-EG25G": 100.0, "IC-STM32G474": 150.0}
BUY_LOT_RULES = {  # item -> (rule, lot size or period, min order qty)
    "PCB-GW4200-MAIN": ("FOQ", 1000, 0), "PCB-MON300-MAIN": ("FOQ", 250, 0), "PCB-MON300-AFE": ("FOQ", 250, 0),
    "PCB-MC750-CTRL": ("FOQ", 500, 0), "PCB-MC750-PWR": ("FOQ", 500, 0), "PCB-MC750-HMI": ("FOQ", 500, 0),
    "ENC-GW4200-TOP": ("POQ", 28, 1000), "ENC-GW4200-BOT": ("POQ", 28, 1000), "ENC-MC750": ("L4L", None, 200),
    "SCR-M3X8": ("FOQ", 10000, 0), "SCR-M4X10": ("FOQ", 5000, 0), "LBL-GW4200": ("POQ", 56, 5000),
    "LBL-MC750": ("POQ", 56, 2000), "BOX-GW4200": ("POQ", 28, 500), "BOX-MC750": ("POQ", 28, 250),
    "MOD-EG25G": ("L4L", None, 100), "MAT-COAT-1B31": ("L4L", None, 5),
}


def _items(parts: dict[str, Part]) -> pd.DataFrame:
    rows = []
    for item_id, description, lead, rule, lot, yield_pct in MAKE_ITEMS:
        rows.append({"item_id": item_id, "description": description, "type": "make", "uom": "pcs",
                     "lead_time_days": lead, "lot_rule": rule,
                     "lot_size": lot if rule == "FOQ" else None, "lot_period_days": lot if rule == "POQ" else None,
                     "yield_pct": yield_pct})
    for p in parts.values():
        reel, attrition, setup, min_usable, _ = KINDS[p.kind]
        default_rule = ("POQ", 28, 0) if p.kind in ("0201", "0402") else ("L4L", None, 0)
        rule, lot, moq = BUY_LOT_RULES.get(p.item_id, default_rule)
        rows.append({"item_id": p.item_id, "description": p.description, "type": "buy", "uom": p.uom,
                     "lead_time_days": p.lead_time_days, "safety_stock": SAFETY_STOCK.get(p.item_id, 0.0),
                     "lot_rule": rule, "lot_size": lot if rule == "FOQ" else None,
                     "lot_period_days": lot if rule == "POQ" else None, "min_order_qty": float(moq),
                     "order_multiple": float(reel) if reel else None, "attrition_pct": attrition,
                     "setup_loss_qty": setup, "min_usable_qty": float(min_usable)})
    rows.sort(key=lambda r: r["item_id"])
    columns = {}
    for name, default in (("item_id", None), ("description", None), ("type", None), ("uom", None),
                          ("lead_time_days", None), ("safety_stock", 0.0), ("lot_rule", None), ("lot_size", np.nan),
                          ("lot_period_days", np.nan), ("min_order_qty", 0.0), ("order_multiple", np.nan),
                          ("attrition_pct", 0.0), ("setup_loss_qty", 0.0), ("yield_pct", 100.0),
                          ("min_usable_qty", 0.0)):
        columns[name] = [default if r.get(name) is None else r[name] for r in rows]
    return schema_frame("items", columns)


# --- demand ----------------------------------------------------------------------------
def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


FORECAST_PROFILE = {  # month offsets from Nov 2026 -> multiplier of the monthly volume
    NORDLINK: [1.0, 1.05, 0.9, 1.0, 1.1, 1.0, 1.05, 1.0, 0.85, 0.95, 1.1, 1.15, 1.0, 1.05, 0.95],
    CARDIA: [1.0, 1.0, 0.9, 1.0, 1.1, 1.0, 1.0, 1.05, 0.9, 1.0, 1.0, 1.1, 1.0],
    DRIVETEK: [1.0, 0.9, 1.0, 1.1, 1.0, 1.0, 1.05, 0.95, 0.8, 1.0, 1.1, 1.0, 1.0, 1.0],
}
END_ITEM = {NORDLINK: "GW-4200", CARDIA: "PCBA-MON300", DRIVETEK: "MC-750"}


def _demand() -> pd.DataFrame:
    """Monthly forecasts (first Monday, Nov 2026 on; some beyond the horizon) and firm orders:
    weekly gateway call-offs, fortnightly medical and drive orders, spares, past-due lines."""
    rows = []
    for customer, profile in FORECAST_PROFILE.items():
        item = END_ITEM[customer]
        for k, factor in enumerate(profile):
            year, month = 2026 + (10 + k) // 12, (10 + k) % 12 + 1
            due = _first_monday(year, month)
            rows.append((f"FC-{customer}-{due:%y%m}", customer, item, due,
                         round(MONTHLY_VOLUME[item] * factor / 10) * 10, "forecast", 100))
    order_no = 24860
    # Nordlink: weekly call-offs, Monday deliveries, 13 weeks firm; a rush order at priority 10.
    gateway = [480, 520, 500, 450, 300, 420, 480, 500, 460, 520, 500, 480, 510]
    for week, qty in enumerate(gateway):
        order_no += 1
        rows.append((f"SO-{order_no}-10", NORDLINK, "GW-4200", date(2026, 11, 30) + timedelta(weeks=week), qty,
                     "order", 10 if week == 2 else 100))
    # Cardia: fortnightly, medical orders outrank others on the same day.
    for k, qty in enumerate([150, 150, 160, 140, 150, 150]):
        order_no += 1
        rows.append((f"SO-{order_no}-10", CARDIA, "PCBA-MON300", date(2026, 12, 4) + timedelta(weeks=2 * k), qty,
                     "order", 50))
    # Drivetek: fortnightly controllers, plus spare control boards for their service depot.
    for k, qty in enumerate([200, 180, 200, 220, 200]):
        order_no += 1
        rows.append((f"SO-{order_no}-10", DRIVETEK, "MC-750", date(2026, 12, 9) + timedelta(weeks=2 * k), qty,
                     "order", 100))
    order_no += 1
    rows.append((f"SO-{order_no}-10", DRIVETEK, "PCBA-MC750-CTRL", date(2026, 12, 14), 40, "order", 100))
    rows.append((f"SO-{order_no}-20", DRIVETEK, "PCBA-MC750-CTRL", date(2027, 3, 15), 40, "order", 100))
    # Past due: shipments that slipped before the planning date.
    rows.append(("SO-24817-10", NORDLINK, "GW-4200", date(2026, 11, 16), 300, "order", 100))
    rows.append(("SO-24833-10", NORDLINK, "GW-4200", date(2026, 11, 20), 200, "order", 100))
    rows.append(("SO-24841-10", DRIVETEK, "MC-750", date(2026, 11, 18), 60, "order", 10))
    rows.sort(key=lambda r: r[0])
    names = ("demand_id", "customer_id", "item_id", "due_date", "quantity", "kind", "priority")
    columns = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    columns["due_date"] = [np.datetime64(d) for d in columns["due_date"]]
    columns["quantity"] = [float(q) for q in columns["quantity"]]
    return schema_frame("demand", columns)


# --- inventory -------------------------------------------------------------------------
# item -> days of cover on hand (default: drawn); scenario items are sized on purpose.
COVER_DAYS = {
    "IC-PCA9555": 75,  # PO-45230 due Nov 30 is needed only weeks later: defer
    "CAP-0603-10U-16V": 90,  # PO-45188/3 due Dec 1 is not needed before late February: defer
    "IC-STM32U585": 12,  # runs short in December; PO-45241 due Jan 22 is within lead time: expedite
    "IC-TPS62130": 6, "IC-LMR36015": 6,  # late PO-45102 arrives on as_of and is needed at once
    "MOD-BG95-M3": 20, "IC-STM32G474": 25,
}
#: Items whose only stock is their special reels below.
ONLY_SPECIAL_REELS = {"IC-DRV8353RS", "MOD-EG25G", "IC-ATECC608A", "HS-MC750"}
SPECIAL_REELS = [
    # reel_id, item, quantity, owner, status, location, msl, floor life hours left  (why)
    ("R2604417", "IC-NRF52840", 1400, "company", "available", "DRY-C2-07", "3", 0.0),  # opened too long: needs_bake
    ("R2604418", "IC-NRF52840", 490, "company", "available", "DRY-C2-07", "3", 96.5),  # partial floor life
    ("R2605102", "IC-DRV8353RS", 180, "company", "available", "DRY-C2-11", "3", 0.0),  # needs_bake
    ("R2605230", "IC-STM32U585", 90, "company", "available", "DRY-C1-03", "3", 36.0),  # partial floor life
    ("R2601188", "CAP-0402-100N-16V", 140, "company", "available", "SMD-T1-044", "", None),  # stranded
    ("R2601905", "RES-0402-4K7", 85, "company", "available", "SMD-T1-102", "", None),  # stranded
    ("R2602267", "CAP-0201-100N-6.3V", 260, "company", "available", "SMD-T2-013", "", None),  # stranded
    ("R2603391", "IC-STM32G474", 480, "company", "quarantine", "QC-INSP-02", "3", None),  # broker lot awaiting X-ray
    ("R2603012", "CAP-0402-1U-16V", 10000, "company", "hold", "MRB-01", "", None),  # solderability hold
    ("R2603815", "IC-ADS1292R", 500, CARDIA, "available", "DRY-C3-01", "3", None),  # consigned by Cardia
    ("R2603816", "IC-ADS1292R", 250, CARDIA, "available", "DRY-C3-01", "3", 120.0),  # consigned, opened
    ("R2604023", "MOD-EG25G", 800, NORDLINK, "available", "WH-R02-B1", "", None),  # consigned by Nordlink
    ("R2604024", "MOD-EG25G", 150, "company", "available", "WH-R02-B2", "", None),
    ("R2605560", "HS-MC750", 150, DRIVETEK, "available", "WH-R03-A1", "", None),  # consigned while quote pending
    ("R2604431", "MOD-BG95-M3", 240, "company", "quarantine", "QC-INSP-01", "3", None),  # incoming inspection
    ("R2602718", "CAP-0201-1N-25V", 15000, "company", "hold", "MRB-01", "", None),  # supplier notice, on hold
    ("R2602950", "IC-ATECC608A", 2200, "company", "available", "SMD-T3-030", "", None),  # superseded part
]


def _inventory(rng: np.random.Generator, parts: dict[str, Part], need_per_day: dict[str, float]) -> pd.DataFrame:
    """Reels sized in days of cover; full reels plus one opened reel per item."""
    rows = []
    serial = 2600000
    for item_id in sorted(parts):
        p = parts[item_id]
        if item_id in ONLY_SPECIAL_REELS or item_id not in need_per_day:
            continue
        cover = COVER_DAYS.get(item_id, int(rng.integers(10, 45)))
        quantity = math.ceil(need_per_day[item_id] * cover)
        if quantity <= 0:
            continue
        pack = p.reel_qty or _pack_size(p, need_per_day[item_id])
        n_full, rest = divmod(quantity, pack)
        sizes = [pack] * int(n_full) + ([int(rest)] if rest else [])
        for size in sizes:
            serial += int(rng.integers(1, 40))
            rows.append(_reel_row(rng, f"R{serial}", p, size, "company", "available", None))
    for reel_id, item_id, qty, owner, status, location, msl, floor in SPECIAL_REELS:
        p = parts[item_id]
        row = _reel_row(rng, reel_id, p, qty, owner, status, floor)
        row["location"], row["msl_level"] = location, msl
        rows.append(row)
    rows.sort(key=lambda r: r["reel_id"])
    names = ("reel_id", "item_id", "quantity", "owner", "status", "location", "date_code", "lot", "msl_level",
             "floor_life_hours_left")
    columns = {n: [r[n] for r in rows] for n in names}
    columns["quantity"] = [float(q) for q in columns["quantity"]]
    columns["floor_life_hours_left"] = [np.nan if v is None else float(v) for v in columns["floor_life_hours_left"]]
    return schema_frame("inventory", columns)


def _pack_size(p: Part, per_day: float) -> int:
    """Trays, tubes and boxes: a round pack near two weeks of use."""
    if p.uom != "pcs":
        return 5
    for size in (10, 25, 50, 100, 250, 490, 500, 1000, 2500, 5000, 10000):
        if size >= per_day * 14:
            return size
    return 10000


def _reel_row(rng: np.random.Generator, reel_id: str, p: Part, qty: float, owner: str, status: str,
              floor: float | None) -> dict:
    week = int(rng.integers(1, 53))
    year = int(rng.choice([25, 26])) if week < 47 else 25
    storage = "DRY-C1" if p.msl_level in ("2", "3") else ("SMD-T1" if _is_feeder_part(p) else "WH-R01")
    msl_open = p.msl_level in ("2", "3") and rng.random() < 0.4
    return {
        "reel_id": reel_id, "item_id": p.item_id, "quantity": qty, "owner": owner, "status": status,
        "location": f"{storage}-{int(rng.integers(1, 120)):03d}", "date_code": f"{year:02d}{week:02d}",
        "lot": f"L{int(rng.integers(1_000_000, 9_999_999))}", "msl_level": p.msl_level,
        "floor_life_hours_left": floor if floor is not None else (
            float(rng.choice([168.0, 142.5, 96.0])) if msl_open else None
        ),
    }


# --- requirements: what the pipeline of open orders was sized on -------------------------
def _part_requirements(lines: list[dict], parts: dict[str, Part], demand: pd.DataFrame) -> dict[str, dict[date, float]]:
    """Day-by-day gross requirements of every purchased part inside the horizon: the planning
    rules in short (forecast consumption, work orders, lot rules, yields, attrition, setup
    loss, engineering changes, lead times) for make items that hold no stock and serve one
    customer each. The open orders are timed on it; the plan itself is the engine's."""
    gross = _independent_demand(demand)
    make = {item: (lead, rule, lot, yield_pct) for item, _, lead, rule, lot, yield_pct in MAKE_ITEMS}
    children: dict[str, list[dict]] = {}
    for line in lines:
        children.setdefault(line["parent_id"], []).append(line)
    for item in sorted(make, key=lambda i: (_level(i, children), i)):
        lead, rule, lot, yield_pct = make[item]
        receipts = [(max(w[4], AS_OF), float(w[2])) for w in WORK_ORDERS if w[1] == item]
        starts = [(max(w[3], AS_OF), float(w[2])) for w in WORK_ORDERS if w[1] == item and w[5] == "planned"]
        for due, received in _net_make_item(gross.get(item, {}), receipts, lead, rule, lot):
            starts.append((max(due - timedelta(days=lead), AS_OF), ceil_whole(received * 100.0 / yield_pct)))
        for release, quantity in starts:
            for line in children.get(item, []):
                if (line["valid_from"] or date.min) <= release < (line["valid_to"] or date.max):
                    child = gross.setdefault(line["child_id"], {})
                    needed = _line_quantity(line, parts.get(line["child_id"]), quantity)
                    child[release] = child.get(release, 0.0) + needed
    return {item: need for item, need in gross.items() if item in parts}


def _level(item: str, children: dict[str, list[dict]]) -> int:
    """Low-level code: the deepest a make item sits under any end item."""
    parents = [line["parent_id"] for lines in children.values() for line in lines if line["child_id"] == item]
    return max((_level(parent, children) + 1 for parent in parents), default=0)


def _line_quantity(line: dict, part: Part | None, started: float) -> float:
    """Rule 3 for one BOM line: attrition rounded up for counted parts, plus the setup loss."""
    _, attrition, setup, _, _ = KINDS[part.kind] if part else (0, 0.0, 0.0, 0, False)
    attrition = line["attrition_pct"] if line["attrition_pct"] is not None else attrition
    setup = line["setup_loss_qty"] if line["setup_loss_qty"] is not None else setup
    quantity = started * line["qty_per"] * (1 + attrition / 100)
    if part is not None and part.uom != "pcs":
        return quantity + setup
    return ceil_whole(quantity) + setup


def _independent_demand(demand: pd.DataFrame) -> dict[str, dict[date, float]]:
    """Rule 1: orders consume forecast of their customer and item within 30 days (backwards
    first, latest first; then forwards); past-due orders count on ``as_of``; expired forecast
    and demand beyond the 365-day horizon drop out."""
    rows = [{"id": r.demand_id, "customer": r.customer_id, "item": r.item_id, "due": r.due_date.date(),
             "left": float(r.quantity), "kind": r.kind, "priority": int(r.priority)}
            for r in demand.itertuples(index=False)]
    window = timedelta(days=30)
    for order in sorted((r for r in rows if r["kind"] == "order"), key=lambda r: (r["due"], r["priority"], r["id"])):
        same = [f for f in rows if f["kind"] == "forecast" and (f["customer"], f["item"]) == (order["customer"],
                                                                                             order["item"])]
        back = sorted((f for f in same if order["due"] - window <= f["due"] <= order["due"]),
                      key=lambda f: (-f["due"].toordinal(), f["priority"], f["id"]))
        ahead = sorted((f for f in same if order["due"] < f["due"] <= order["due"] + window),
                       key=lambda f: (f["due"], f["priority"], f["id"]))
        wanted = order["left"]
        for forecast in back + ahead:
            taken = min(wanted, forecast["left"])
            forecast["left"] -= taken
            wanted -= taken
    gross: dict[str, dict[date, float]] = {}
    horizon_end = AS_OF + timedelta(days=365)
    for r in rows:
        day = max(r["due"], AS_OF) if r["kind"] == "order" else r["due"]
        if r["left"] > 0 and AS_OF <= day <= horizon_end:
            need = gross.setdefault(r["item"], {})
            need[day] = need.get(day, 0.0) + r["left"]
    return gross


def _net_make_item(gross: dict[date, float], receipts: list[tuple[date, float]], lead: int, rule: str,
                   lot: int | None) -> list[tuple[date, float]]:
    """Rule 6 for a make item without stock: work orders arrive (or are pulled in within the
    lead time), each shortfall becomes a planned receipt by the lot rule. Returns (due, quantity)."""
    pending = sorted(receipts)
    balance = 0.0
    planned = []
    days = sorted(gross)

    def step(day: date, balance: float, pending: list[tuple[date, float]]) -> float:
        while pending and pending[0][0] <= day:
            balance += pending.pop(0)[1]
        balance -= gross[day]
        while balance < -1e-9 and pending and pending[0][0] <= day + timedelta(days=lead):
            balance += pending.pop(0)[1]
        return balance

    for k, day in enumerate(days):
        balance = step(day, balance, pending)
        if balance >= -1e-9:
            continue
        quantity = -balance
        if rule == "POQ":
            ahead, look = 0.0, list(pending)
            for later in days[k + 1:]:
                if later >= day + timedelta(days=lot):
                    break
                ahead = step(later, ahead, look)
                if ahead < 0:
                    quantity, ahead = quantity - ahead, 0.0
        elif rule == "FOQ":
            quantity = round_up_to_multiple(quantity, lot)
        quantity = ceil_whole(quantity)
        planned.append((day, quantity))
        balance += quantity
    return planned


# --- suppliers, offers, open orders ----------------------------------------------------
SCARCE = {"IC-STM32G474": 3.1, "IC-STM32U585": 2.6, "IC-DRV8353RS": 2.8, "IC-NRF52840": 2.2, "MOD-BG95-M3": 1.9}


def _offers(rng: np.random.Generator, parts: dict[str, Part]) -> pd.DataFrame:
    rows: list[dict] = []

    def offer(supplier: str, p: Part, mpn: str, maker: str, lead: int, moq: float, multiple: float,
              breaks: list[tuple[float, float]], stock: float | None = None, max_qty: float | None = None) -> None:
        for qty, price in breaks:
            rows.append({"supplier_id": supplier, "item_id": p.item_id, "mpn": mpn, "manufacturer": maker,
                         "lead_time_days": lead, "min_order_qty": moq, "order_multiple": multiple,
                         "break_qty": float(qty), "unit_price": round(price, 5), "stock_qty": stock,
                         "stock_lead_time_days": 2, "max_qty": max_qty})

    def shelf(p: Part, packs: float) -> float | None:
        return None if rng.random() < 0.3 else float(int(rng.integers(0, 40)) * packs)

    for p in sorted(parts.values(), key=lambda q: q.item_id):
        reel = p.reel_qty
        if p.item_id == "HS-MC750":
            continue
        if p.manufacturer == "Hansen":
            offer(HANSEN, p, p.mpn, p.manufacturer, p.lead_time_days, 100.0, 100.0 if p.kind != "mech" else 1.0,
                  [(100, p.price * 1.25), (500, p.price * 1.08), (1000, p.price), (5000, p.price * 0.9)])
            continue
        if reel and p.manufacturer == "Murata":
            offer(MURATA, p, p.mpn, p.manufacturer, 98, float(reel), float(reel),
                  [(reel, p.price * 0.62), (5 * reel, p.price * 0.55), (20 * reel, p.price * 0.48)])
        if reel and p.kind[0].isdigit():
            offer(NBE, p, p.mpn, p.manufacturer, 14, 100.0, 100.0,
                  [(100, p.price * 2.2), (1000, p.price * 1.4), (reel, p.price), (5 * reel, p.price * 0.9)],
                  stock=shelf(p, reel))
            for mpn, maker, factor in p.alternates:
                offer(NBE, p, mpn, maker, 21, float(reel), float(reel),
                      [(reel, p.price * factor), (5 * reel, p.price * factor * 0.9)], stock=shelf(p, reel))
            continue
        if p.uom != "pcs":
            offer(NBE, p, p.mpn, p.manufacturer, p.lead_time_days, 1.0, 1.0, [(1, p.price), (5, p.price * 0.93),
                                                                              (20, p.price * 0.85)])
            continue
        multiple = float(reel) if p.kind == "power" else 1.0
        allocation = 1500.0 if p.item_id == "IC-STM32G474" else None
        stock = 0.0 if p.item_id in SCARCE else shelf(p, 10.0 if p.price > 1 else 100.0)
        if multiple > 1:
            breaks = [(multiple, p.price * 1.1), (5 * multiple, p.price), (20 * multiple, p.price * 0.9)]
        else:
            breaks = [(1, p.price * 1.35), (100, p.price * 1.1), (500, p.price), (2500, p.price * 0.92)]
        offer(NBE, p, p.mpn, p.manufacturer, p.lead_time_days, 0.0, multiple, breaks, stock=stock,
              max_qty=allocation)
        if p.item_id in SCARCE:  # a broker sells what it holds: its stock is all it can deliver
            lot = float(int(rng.integers(3, 15)) * 100)
            offer(SUNRISE, p, p.mpn, p.manufacturer, 7, 50.0, 10.0,
                  [(50, p.price * SCARCE[p.item_id]), (250, p.price * SCARCE[p.item_id] * 0.9)], stock=lot, max_qty=lot)
    rows.sort(key=lambda r: (r["supplier_id"], r["item_id"], r["mpn"], r["break_qty"]))
    columns = {k: [r[k] for r in rows] for k in rows[0]}
    for k in ("stock_qty", "max_qty"):
        columns[k] = [np.nan if v is None else v for v in columns[k]]
    return schema_frame("supplier_offers", columns)


PURCHASE_ORDERS = [
    # po_id, line, item, supplier, quantity, due   (why)
    ("PO-45102", "1", "IC-TPS62130", NBE, 2500, date(2026, 11, 16)),  # late: due before as_of
    ("PO-45102", "2", "IC-LMR36015", NBE, 2000, date(2026, 11, 16)),  # late
    ("PO-45117", "1", "MOD-EG25G", NBE, 1000, date(2026, 11, 20)),  # late
    ("PO-45188", "1", "CAP-0402-100N-16V", MURATA, 100000, date(2026, 12, 14)),
    ("PO-45188", "2", "CAP-0402-10N-50V", MURATA, 50000, date(2026, 12, 14)),
    ("PO-45188", "3", "CAP-0603-10U-16V", MURATA, 20000, date(2026, 12, 1)),  # early: defer
    ("PO-45230", "1", "IC-PCA9555", NBE, 2500, date(2026, 11, 30)),  # early: defer
    ("PO-45241", "1", "IC-STM32U585", NBE, 4000, date(2027, 1, 22)),  # needed in November: expedite
    ("PO-45260", "1", "IC-ATECC608A", NBE, 3000, date(2026, 12, 14)),  # superseded part: cancel
    ("PO-45270", "1", "PCB-GW4200-MAIN", HANSEN, 3000, date(2026, 12, 7)),
    ("PO-45270", "2", "ENC-GW4200-TOP", HANSEN, 4000, date(2026, 12, 14)),
    ("PO-45270", "3", "ENC-GW4200-BOT", HANSEN, 4000, date(2026, 12, 14)),
    ("PO-45281", "1", "MOD-BG95-M3", NBE, 1200, date(2027, 1, 11)),
    ("PO-45290", "1", "IC-STM32G474", SUNRISE, 300, date(2026, 11, 27)),
    ("PO-45295", "1", "IC-DRV8353RS", NBE, 1600, date(2027, 2, 8)),  # needed at once: expedite
]
#: The parts in trouble (README "Short parts"): stock and open orders cover their needs only
#: up to this day, though it lies inside their lead time. Every other part's pipeline covers
#: its whole lead time, as in a factory that has been buying for years.
SHORT_UNTIL = {
    "IC-STM32G474": date(2027, 3, 31),  # allocated: the distributor confirmed the backlog, no more
    "MOD-BG95-M3": date(2027, 9, 30),  # 52 weeks: ordered on last year's lower forecast
    "IC-DRV8353RS": date(2027, 2, 28),  # PO-45295 is all there is; 168 days reach into May
    "IC-ADS1292R": date(2027, 1, 31),  # Cardia consigns it; its next lot is not announced
    "CAP-0402-1U-16V": date(2027, 1, 15),  # a reel on hold; direct orders take 98 days
}
#: Open order lines arrive 1 to 4 days before the need they cover (numpy's half-open range).
ARRIVE_EARLY_DAYS = (1, 5)
FIRST_PO_NUMBER = 44310


def _purchase_orders(rng: np.random.Generator, parts: dict[str, Part], needs: dict[str, dict[date, float]],
                     inventory: pd.DataFrame, offers: pd.DataFrame) -> pd.DataFrame:
    """The scenario lines above plus the pipeline: for every part, order lines from its usual
    offer that keep stock and open orders ahead of its needs until its lead time has passed
    (``SHORT_UNTIL`` parts stop early), grouped into POs per supplier and week of ordering."""
    usual = _usual_offers(offers)
    lines = [(po, line, item, supplier, float(qty), due, _price(offers, item, supplier, None, qty))
             for po, line, item, supplier, qty, due in PURCHASE_ORDERS]
    pipeline = []
    for item_id in sorted(needs):
        if item_id in usual:
            pipeline += _pipeline_lines(rng, parts[item_id], needs[item_id], inventory, usual[item_id])
    pipeline.sort(key=lambda r: (r["ordered"].isocalendar()[:2], r["supplier_id"], r["due"], r["item_id"]))
    number = FIRST_PO_NUMBER
    for _, group in groupby(pipeline, key=lambda r: (r["ordered"].isocalendar()[:2], r["supplier_id"])):
        for k, r in enumerate(group, start=1):
            lines.append((f"PO-{number}", str(k), r["item_id"], r["supplier_id"], r["quantity"], r["due"],
                          _price(offers, r["item_id"], r["supplier_id"], r["mpn"], r["quantity"])))
        number += 1
    lines.sort(key=lambda r: (r[0], int(r[1])))
    names = ("po_id", "line", "item_id", "supplier_id", "quantity_open", "due_date", "unit_price")
    columns = {n: [r[i] for r in lines] for i, n in enumerate(names)}
    columns["due_date"] = [np.datetime64(d) for d in columns["due_date"]]
    return schema_frame("purchase_orders", columns)


def _price(offers: pd.DataFrame, item: str, supplier: str, mpn: str | None, qty: float) -> float:
    """All-units price of ``qty`` on the supplier's offer (its cheapest MPN if not named)."""
    rows = offers[(offers["item_id"] == item) & (offers["supplier_id"] == supplier) & (offers["break_qty"] <= qty)]
    if mpn is not None:
        rows = rows[rows["mpn"] == mpn]
    return float(rows["unit_price"].min())


@dataclass(frozen=True)
class UsualOffer:
    """The offer MRP plans a part on (rule 7: cheapest at its minimum), as a buyer uses it."""

    supplier_id: str
    mpn: str
    lead_time_days: int
    min_qty: float
    multiple: float


def _usual_offers(offers: pd.DataFrame) -> dict[str, UsualOffer]:
    entry = offer_entry_prices(offers).sort_values(["item_id", "entry_price", "lead_time_days"], kind="stable")
    heads = offers.groupby(["supplier_id", "item_id", "mpn"])["order_multiple"].first()
    return {
        row.item_id: UsualOffer(row.supplier_id, row.mpn, int(row.lead_time_days), float(row.entry_qty),
                                float(heads[(row.supplier_id, row.item_id, row.mpn)]))
        for row in entry.drop_duplicates("item_id").itertuples(index=False)
    }


def _order_cover_days(p: Part) -> int:
    """How far ahead one order line buys: a month of dear parts, a quarter of cheap ones."""
    return 28 if p.price >= 1.0 else (56 if p.price >= 0.1 else 91)


def _pipeline_lines(rng: np.random.Generator, p: Part, need: dict[date, float], inventory: pd.DataFrame,
                    offer: UsualOffer) -> list[dict]:
    """Order lines due a few days before each day the part would otherwise run short (stock,
    scenario POs and safety stock counted), until its lead time has passed: what a buyer who
    ordered on the forecast months ago now has open. Quantities cover ``_order_cover_days``,
    in reels (or packs, or lots) and at least the offer's minimum."""
    until = min(AS_OF + timedelta(days=offer.lead_time_days - 1), SHORT_UNTIL.get(p.item_id, date.max))
    # Consigned reels count too: every consigned part serves the one customer that consigned it.
    reels = inventory[(inventory["item_id"] == p.item_id) & (inventory["status"] == "available")]
    min_usable = KINDS[p.kind][3]
    supply = float(reels.loc[reels["quantity"] >= min_usable, "quantity"].sum()) - SAFETY_STOCK.get(p.item_id, 0.0)
    scenario = [(due, qty) for _, _, item, _, qty, due in PURCHASE_ORDERS if item == p.item_id]
    supply += sum(qty for _, qty in scenario)
    not_before = max([AS_OF] + [due + timedelta(days=1) for due, _ in scenario])  # scenario lines come first
    rule, lot, moq = BUY_LOT_RULES.get(p.item_id, ("L4L", None, 0))
    pack = lot if rule == "FOQ" else max(p.reel_qty, 100 if p.uom == "pcs" else 5)  # reels, lots, trays, cans
    step = float(math.lcm(int(offer.multiple), int(pack)))
    days = sorted(d for d in need if d <= until)
    lines = []
    needed = 0.0
    for k, day in enumerate(days):
        needed += need[day]
        if needed <= supply + 1e-9:
            continue
        cover_to = min(day + timedelta(days=_order_cover_days(p)), until + timedelta(days=1))
        wanted = needed + sum(need[d] for d in days[k + 1:] if d < cover_to) - supply
        quantity = round_up_to_multiple(max(wanted, offer.min_qty, float(moq)), step)
        due = day - timedelta(days=int(rng.integers(*ARRIVE_EARLY_DAYS)))
        due -= timedelta(days=max(due.weekday() - 4, 0))  # suppliers deliver Monday to Friday
        due = max(due, not_before)
        lines.append({"item_id": p.item_id, "supplier_id": offer.supplier_id, "mpn": offer.mpn, "quantity": quantity,
                      "due": due, "ordered": due - timedelta(days=offer.lead_time_days)})
        supply += quantity
    return lines


WORK_ORDERS = [
    # wo_id, item, qty, start, due, status, customer, line, pinned
    ("WO-26-1181", "PCBA-GW4200-MAIN", 1000, date(2026, 11, 19), date(2026, 11, 25), "released", NORDLINK, "SMT1", False),
    ("WO-26-1184", "GW-4200", 600, date(2026, 11, 20), date(2026, 11, 27), "released", NORDLINK, "", False),
    ("WO-26-1190", "PCBA-MON300", 320, date(2026, 11, 30), date(2026, 12, 3), "planned", CARDIA, "SMT3", True),
    ("WO-26-1191", "PCBA-MON300-AFE", 330, date(2026, 11, 25), date(2026, 11, 27), "planned", CARDIA, "SMT3", False),
    ("WO-26-1195", "PCBA-MC750-CTRL", 200, date(2026, 12, 2), date(2026, 12, 4), "planned", DRIVETEK, "SMT2", False),
]


def _work_orders() -> pd.DataFrame:
    names = ("wo_id", "item_id", "quantity_open", "start_date", "due_date", "status", "customer_id", "line_id",
             "pinned")
    columns = {n: [r[i] for r in WORK_ORDERS] for i, n in enumerate(names)}
    columns["quantity_open"] = [float(q) for q in columns["quantity_open"]]
    for k in ("start_date", "due_date"):
        columns[k] = [np.datetime64(d) for d in columns[k]]
    return schema_frame("work_orders", columns)


def _smt_process(lines: list[dict]) -> pd.DataFrame:
    """Placements per board: every feeder part's quantity (one placement per piece)."""
    boards = sorted(SMT_PROCESS)
    placements = [sum(line["qty_per"] for line in lines if line["parent_id"] == b and line["feeder"]
                      and line["valid_to"] is None) for b in boards]
    return schema_frame("smt_process", {"item_id": boards, "placements_per_board": placements,
                                         "line_ids": [SMT_PROCESS[b] for b in boards]})


def main() -> None:
    write_dataset(build(), FOLDER)


if __name__ == "__main__":
    main()
