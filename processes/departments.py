"""Departments (担当課) that scope dept_staff accounts and receive pre-checks (DOMAIN.md)."""
DEPARTMENTS: dict[str, str] = {
    "kumin": "区民課",
    "hoken_nenkin": "保険年金課",
    "kourei_shogai": "高齢・障害課",
    "jidou_katei": "児童家庭課",
    "hoiku": "保育所等担当",
    "eisei": "衛生課",
    "shizei": "市税分室",
    "genbaku": "原爆被爆者援護担当",
}
