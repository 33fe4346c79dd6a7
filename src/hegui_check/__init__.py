"""hegui-check：面向中小企业的离线合规体检工具。"""

__version__ = "0.1.0"
