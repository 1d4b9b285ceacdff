import json,sys,glob,re,unicodedata
VALID=set("economic debt budget arrears housing homeless food job_seeking work_trouble illness injury disability mental_health suicide_risk family dv_abuse care childcare child_education isolation legal foreign other".split())
U={'c':'crisis','u':'urgent','n':'normal'}
EXT={}
for l in open('/work/wt-corpus-n/raw/ext.txt',encoding='utf-8'):
  if l.strip():
    k,v=l.rstrip('\n').split('|',1); p0=EXT.get(k,''); EXT[k]=p0+('　' if p0 and v and p0[-1] not in '。　' else '')+v
def ins(t,e):
  t2=t.replace('\\n','\n')
  m=re.search(r'(歳|才|(?<!くだ)さい|[0-9０-９一二三四五六七八九十]+の(男|女)|代の|代男|代女|者です|母親です|父親です|婆で|爺で)',t2)
  start=m.end() if m else 10
  delims='。　\n' if m else ('。' if '。' in t2[10:] else '。　\n')
  for i in range(start,len(t2)):
    if t2[i] in delims:
      j=i+1
      return (t2[:j]+e+t2[j:]).replace('\n','\\n')
  return e+t
ANCH={'n0111':'悩んでいたようです。','n0195':'経理を担当しています。','n0144':'届きます。','n0147':'連絡をとっていません。','n0216':'とのことです。','n0231':'入院が必要になりました。','n0135':'主婦です。','n0072':'ひとり親の母です。','n0087':'日本語すこしだけわかります。'}
out=[];meta=[];n=0
REG=set("mail line webchat elderly kansai tohoku kyushu hiragana typos agency family".split())
for f in sorted(glob.glob('/work/wt-corpus-n/raw/[0-9]*.txt')):
  for ln,line in enumerate(open(f,encoding='utf-8')):
    line=line.rstrip('\n')
    if not line.strip(): continue
    reg,trap,urg,cats,text=line.split('|',4)
    assert reg in REG,(f,ln,reg); assert trap in '01'; cs=cats.split(',')
    assert 1<=len(cs)<=3 and all(c in VALID for c in cs),(f,ln,cats)
    n+=1; i='n%04d'%n
    if i in EXT and reg=='hiragana':
      e=EXT[i].replace('　　','　'); e=e if e.endswith('　') else e+'　'
      e=re.sub(r'(す|た)(?=[^　])',lambda m:m.group(1)+'　',e) if False else e
      m=re.search(r'(です|ます)　',text); k=m.end() if m else 0
      text=text[:k]+e+text[k:]
    elif i in EXT and i in ANCH and ANCH[i] in text:
      k=text.index(ANCH[i])+len(ANCH[i]); text=text[:k]+EXT[i]+text[k:]
    elif i in EXT: text=ins(text,EXT[i])
    out.append({'id':i,'text':text.replace('\\n','\n'),'categories':cs,'urgency':U[urg]})
    meta.append((i,reg,trap))
base='/work/wt-corpus-n/gateway/core/src/main/resources/triage/corpus/part-n-japanese'
with open(base+'.jsonl','w',encoding='utf-8') as o:
  for r in out: o.write(json.dumps(r,ensure_ascii=False)+'\n')
with open(base+'.meta.tsv','w',encoding='utf-8') as o:
  o.write('id\tregister\ttrap\n')
  for m in meta: o.write('\t'.join(m)+'\n')
print(n)
