"""The documents of the Weihai policy package, each stated once: number (文号), title and the window in force.

Everything else (catalogue entries, explanations, the coverage report, windows of provisions, the portal's list of
original texts) reads them from here. Source: the documents themselves (../shared/policies/README.md lists them).
"""

from policy.jurisdiction import Document

A = Document("A", "威政发〔2018〕20号", "威海市人民政府关于加快科技创新支持新旧动能转换的实施意见", "2018-11-13", None,
             numbered_as_articles=True)
B = Document("B", "威政发〔2023〕5号", "威海市人民政府关于强化科技创新支撑国家创新型城市建设的实施意见",
             "2023-07-13", "2028-07-12", numbered_as_articles=True)
#: The plan sets targets only (the indicators cite it), no rule: no window of a rule comes from it. Its text shows no
#: 文号, so citations print its title in 《》. Plan period 2021–2025.
C = Document("C", "《威海市“十四五”科技创新规划》", "威海市“十四五”科技创新规划", "2022-01-27", None)
D = Document("D", "威政办字〔2018〕107号", "威海市人民政府办公室关于加快科技服务业发展的实施意见", "2018-11-27", None)
E = Document("E", "荣成市强化科技创新助推经济高质量发展行动方案", "荣成市强化科技创新助推经济高质量发展行动方案",
             "2022-01-01", "2022-12-31", place="371082")  # 荣成市's own plan: applies in 荣成市 only
DOCUMENTS = {d.code: d for d in (A, B, C, D, E)}
