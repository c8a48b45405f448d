/**
 * Reference data for the units hierarchy: real administrative divisions (GB/T 2260 codes, current
 * as of the 2020s) with their education bureaus, and the universities and directly affiliated units
 * hanging directly under each province.
 *
 * - Hunan: all 14 cities/prefectures and all 122 county-level divisions (statistical-only codes such
 *   as 430171 development zones are deliberately excluded: they are not GB/T 2260 divisions).
 * - Shanxi: the 11 cities only (counties out of scope).
 * - Hubei: Xiaogan city and its 7 county-level divisions only.
 *
 * University codes are the 10-digit national school identifier (学校标识码):
 * '41' + 2-digit province + '0' + 5-digit Ministry of Education institution code.
 * Lines marked `// code synthesized` carry an invented placeholder code, not a real identifier.
 */

export type RefUnitKind = 'BUREAU' | 'UNIVERSITY' | 'AFFILIATED';

export interface RefUnit {
  code: string;
  name: string;
  kind: RefUnitKind;
}

export interface RefCounty {
  /** GB/T 2260 code of the county-level division, e.g. 430102 */
  code: string;
  /** division name, e.g. '芙蓉区' */
  division: string;
  /** education bureau name, e.g. '长沙市芙蓉区教育局' */
  name: string;
}

export interface RefCity {
  code: string;
  division: string;
  /** education bureau name, e.g. '长沙市教育局' */
  name: string;
  counties: RefCounty[];
}

export interface RefProvince {
  /** GB/T 2260 code, e.g. '430000' */
  code: string;
  /** e.g. '湖南省' */
  division: string;
  /** e.g. '湖南省教育厅' */
  name: string;
  cities: RefCity[];
  /** universities and affiliated institutions hanging directly under the province */
  direct: RefUnit[];
}

export const REFERENCE_PROVINCES: RefProvince[] = [
  {
    code: '430000',
    division: '湖南省',
    name: '湖南省教育厅',
    cities: [
      {
        code: '430100',
        division: '长沙市',
        name: '长沙市教育局',
        counties: [
          { code: '430102', division: '芙蓉区', name: '长沙市芙蓉区教育局' },
          { code: '430103', division: '天心区', name: '长沙市天心区教育局' },
          { code: '430104', division: '岳麓区', name: '长沙市岳麓区教育局' },
          { code: '430105', division: '开福区', name: '长沙市开福区教育局' },
          { code: '430111', division: '雨花区', name: '长沙市雨花区教育局' },
          { code: '430112', division: '望城区', name: '长沙市望城区教育局' },
          { code: '430121', division: '长沙县', name: '长沙县教育局' },
          { code: '430181', division: '浏阳市', name: '浏阳市教育局' },
          { code: '430182', division: '宁乡市', name: '宁乡市教育局' },
        ],
      },
      {
        code: '430200',
        division: '株洲市',
        name: '株洲市教育局',
        counties: [
          { code: '430202', division: '荷塘区', name: '株洲市荷塘区教育局' },
          { code: '430203', division: '芦淞区', name: '株洲市芦淞区教育局' },
          { code: '430204', division: '石峰区', name: '株洲市石峰区教育局' },
          { code: '430211', division: '天元区', name: '株洲市天元区教育局' },
          { code: '430212', division: '渌口区', name: '株洲市渌口区教育局' },
          { code: '430223', division: '攸县', name: '攸县教育局' },
          { code: '430224', division: '茶陵县', name: '茶陵县教育局' },
          { code: '430225', division: '炎陵县', name: '炎陵县教育局' },
          { code: '430281', division: '醴陵市', name: '醴陵市教育局' },
        ],
      },
      {
        code: '430300',
        division: '湘潭市',
        name: '湘潭市教育局',
        counties: [
          { code: '430302', division: '雨湖区', name: '湘潭市雨湖区教育局' },
          { code: '430304', division: '岳塘区', name: '湘潭市岳塘区教育局' },
          { code: '430321', division: '湘潭县', name: '湘潭县教育局' },
          { code: '430381', division: '湘乡市', name: '湘乡市教育局' },
          { code: '430382', division: '韶山市', name: '韶山市教育局' },
        ],
      },
      {
        code: '430400',
        division: '衡阳市',
        name: '衡阳市教育局',
        counties: [
          { code: '430405', division: '珠晖区', name: '衡阳市珠晖区教育局' },
          { code: '430406', division: '雁峰区', name: '衡阳市雁峰区教育局' },
          { code: '430407', division: '石鼓区', name: '衡阳市石鼓区教育局' },
          { code: '430408', division: '蒸湘区', name: '衡阳市蒸湘区教育局' },
          { code: '430412', division: '南岳区', name: '衡阳市南岳区教育局' },
          { code: '430421', division: '衡阳县', name: '衡阳县教育局' },
          { code: '430422', division: '衡南县', name: '衡南县教育局' },
          { code: '430423', division: '衡山县', name: '衡山县教育局' },
          { code: '430424', division: '衡东县', name: '衡东县教育局' },
          { code: '430426', division: '祁东县', name: '祁东县教育局' },
          { code: '430481', division: '耒阳市', name: '耒阳市教育局' },
          { code: '430482', division: '常宁市', name: '常宁市教育局' },
        ],
      },
      {
        code: '430500',
        division: '邵阳市',
        name: '邵阳市教育局',
        counties: [
          { code: '430502', division: '双清区', name: '邵阳市双清区教育局' },
          { code: '430503', division: '大祥区', name: '邵阳市大祥区教育局' },
          { code: '430511', division: '北塔区', name: '邵阳市北塔区教育局' },
          { code: '430522', division: '新邵县', name: '新邵县教育局' },
          { code: '430523', division: '邵阳县', name: '邵阳县教育局' },
          { code: '430524', division: '隆回县', name: '隆回县教育局' },
          { code: '430525', division: '洞口县', name: '洞口县教育局' },
          { code: '430527', division: '绥宁县', name: '绥宁县教育局' },
          { code: '430528', division: '新宁县', name: '新宁县教育局' },
          { code: '430529', division: '城步苗族自治县', name: '城步苗族自治县教育局' },
          { code: '430581', division: '武冈市', name: '武冈市教育局' },
          { code: '430582', division: '邵东市', name: '邵东市教育局' },
        ],
      },
      {
        code: '430600',
        division: '岳阳市',
        name: '岳阳市教育局',
        counties: [
          { code: '430602', division: '岳阳楼区', name: '岳阳市岳阳楼区教育局' },
          { code: '430603', division: '云溪区', name: '岳阳市云溪区教育局' },
          { code: '430611', division: '君山区', name: '岳阳市君山区教育局' },
          { code: '430621', division: '岳阳县', name: '岳阳县教育局' },
          { code: '430623', division: '华容县', name: '华容县教育局' },
          { code: '430624', division: '湘阴县', name: '湘阴县教育局' },
          { code: '430626', division: '平江县', name: '平江县教育局' },
          { code: '430681', division: '汨罗市', name: '汨罗市教育局' },
          { code: '430682', division: '临湘市', name: '临湘市教育局' },
        ],
      },
      {
        code: '430700',
        division: '常德市',
        name: '常德市教育体育局',
        counties: [
          { code: '430702', division: '武陵区', name: '常德市武陵区教育局' },
          { code: '430703', division: '鼎城区', name: '常德市鼎城区教育局' },
          { code: '430721', division: '安乡县', name: '安乡县教育局' },
          { code: '430722', division: '汉寿县', name: '汉寿县教育局' },
          { code: '430723', division: '澧县', name: '澧县教育局' },
          { code: '430724', division: '临澧县', name: '临澧县教育局' },
          { code: '430725', division: '桃源县', name: '桃源县教育局' },
          { code: '430726', division: '石门县', name: '石门县教育局' },
          { code: '430781', division: '津市市', name: '津市市教育局' },
        ],
      },
      {
        code: '430800',
        division: '张家界市',
        name: '张家界市教育局',
        counties: [
          { code: '430802', division: '永定区', name: '张家界市永定区教育局' },
          { code: '430811', division: '武陵源区', name: '张家界市武陵源区教育局' },
          { code: '430821', division: '慈利县', name: '慈利县教育局' },
          { code: '430822', division: '桑植县', name: '桑植县教育局' },
        ],
      },
      {
        code: '430900',
        division: '益阳市',
        name: '益阳市教育局',
        counties: [
          { code: '430902', division: '资阳区', name: '益阳市资阳区教育局' },
          { code: '430903', division: '赫山区', name: '益阳市赫山区教育局' },
          { code: '430921', division: '南县', name: '南县教育局' },
          { code: '430922', division: '桃江县', name: '桃江县教育局' },
          { code: '430923', division: '安化县', name: '安化县教育局' },
          { code: '430981', division: '沅江市', name: '沅江市教育局' },
        ],
      },
      {
        code: '431000',
        division: '郴州市',
        name: '郴州市教育局',
        counties: [
          { code: '431002', division: '北湖区', name: '郴州市北湖区教育局' },
          { code: '431003', division: '苏仙区', name: '郴州市苏仙区教育局' },
          { code: '431021', division: '桂阳县', name: '桂阳县教育局' },
          { code: '431022', division: '宜章县', name: '宜章县教育局' },
          { code: '431023', division: '永兴县', name: '永兴县教育局' },
          { code: '431024', division: '嘉禾县', name: '嘉禾县教育局' },
          { code: '431025', division: '临武县', name: '临武县教育局' },
          { code: '431026', division: '汝城县', name: '汝城县教育局' },
          { code: '431027', division: '桂东县', name: '桂东县教育局' },
          { code: '431028', division: '安仁县', name: '安仁县教育局' },
          { code: '431081', division: '资兴市', name: '资兴市教育局' },
        ],
      },
      {
        code: '431100',
        division: '永州市',
        name: '永州市教育局',
        counties: [
          { code: '431102', division: '零陵区', name: '永州市零陵区教育局' },
          { code: '431103', division: '冷水滩区', name: '永州市冷水滩区教育局' },
          { code: '431122', division: '东安县', name: '东安县教育局' },
          { code: '431123', division: '双牌县', name: '双牌县教育局' },
          { code: '431124', division: '道县', name: '道县教育局' },
          { code: '431125', division: '江永县', name: '江永县教育局' },
          { code: '431126', division: '宁远县', name: '宁远县教育局' },
          { code: '431127', division: '蓝山县', name: '蓝山县教育局' },
          { code: '431128', division: '新田县', name: '新田县教育局' },
          { code: '431129', division: '江华瑶族自治县', name: '江华瑶族自治县教育局' },
          { code: '431181', division: '祁阳市', name: '祁阳市教育局' },
        ],
      },
      {
        code: '431200',
        division: '怀化市',
        name: '怀化市教育局',
        counties: [
          { code: '431202', division: '鹤城区', name: '怀化市鹤城区教育局' },
          { code: '431221', division: '中方县', name: '中方县教育局' },
          { code: '431222', division: '沅陵县', name: '沅陵县教育局' },
          { code: '431223', division: '辰溪县', name: '辰溪县教育局' },
          { code: '431224', division: '溆浦县', name: '溆浦县教育局' },
          { code: '431225', division: '会同县', name: '会同县教育局' },
          { code: '431226', division: '麻阳苗族自治县', name: '麻阳苗族自治县教育局' },
          { code: '431227', division: '新晃侗族自治县', name: '新晃侗族自治县教育局' },
          { code: '431228', division: '芷江侗族自治县', name: '芷江侗族自治县教育局' },
          { code: '431229', division: '靖州苗族侗族自治县', name: '靖州苗族侗族自治县教育局' },
          { code: '431230', division: '通道侗族自治县', name: '通道侗族自治县教育局' },
          { code: '431281', division: '洪江市', name: '洪江市教育局' },
        ],
      },
      {
        code: '431300',
        division: '娄底市',
        name: '娄底市教育局',
        counties: [
          { code: '431302', division: '娄星区', name: '娄底市娄星区教育局' },
          { code: '431321', division: '双峰县', name: '双峰县教育局' },
          { code: '431322', division: '新化县', name: '新化县教育局' },
          { code: '431381', division: '冷水江市', name: '冷水江市教育局' },
          { code: '431382', division: '涟源市', name: '涟源市教育局' },
        ],
      },
      {
        code: '433100',
        division: '湘西土家族苗族自治州',
        name: '湘西自治州教育和体育局',
        counties: [
          { code: '433101', division: '吉首市', name: '吉首市教育局' },
          { code: '433122', division: '泸溪县', name: '泸溪县教育局' },
          { code: '433123', division: '凤凰县', name: '凤凰县教育局' },
          { code: '433124', division: '花垣县', name: '花垣县教育局' },
          { code: '433125', division: '保靖县', name: '保靖县教育局' },
          { code: '433126', division: '古丈县', name: '古丈县教育局' },
          { code: '433127', division: '永顺县', name: '永顺县教育局' },
          { code: '433130', division: '龙山县', name: '龙山县教育局' },
        ],
      },
    ],
    direct: [
      // Universities named in the 2019 inspection notice (湘教通〔2020〕51号), then other well-known ones.
      { code: '4143010530', name: '湘潭大学', kind: 'UNIVERSITY' },
      { code: '4143010531', name: '吉首大学', kind: 'UNIVERSITY' },
      { code: '4143010532', name: '湖南大学', kind: 'UNIVERSITY' },
      { code: '4143010533', name: '中南大学', kind: 'UNIVERSITY' },
      { code: '4143010536', name: '长沙理工大学', kind: 'UNIVERSITY' },
      { code: '4143010537', name: '湖南农业大学', kind: 'UNIVERSITY' },
      { code: '4143010542', name: '湖南师范大学', kind: 'UNIVERSITY' },
      { code: '4143010555', name: '南华大学', kind: 'UNIVERSITY' },
      { code: '4143013806', name: '长沙师范学院', kind: 'UNIVERSITY' },
      { code: '4143011532', name: '湖南财政经济学院', kind: 'UNIVERSITY' },
      { code: '4143012034', name: '湖南第一师范学院', kind: 'UNIVERSITY' },
      { code: '4143010546', name: '衡阳师范学院', kind: 'UNIVERSITY' },
      { code: '4143010549', name: '湖南文理学院', kind: 'UNIVERSITY' },
      { code: '4143012304', name: '湖南科技职业学院', kind: 'UNIVERSITY' },
      { code: '4143013921', name: '湖南工艺美术职业学院', kind: 'UNIVERSITY' },
      { code: '4143010827', name: '长沙民政职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143013937', name: '湖南汽车工程职业学院', kind: 'UNIVERSITY' },
      { code: '4143013940', name: '湖南现代物流职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143013942', name: '湖南铁路科技职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143012055', name: '长沙航空职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143014495', name: '湘南幼儿师范高等专科学校', kind: 'UNIVERSITY' },
      { code: '4143012401', name: '湖南商务职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143099001', name: '湘中幼儿师范高等专科学校', kind: 'UNIVERSITY' }, // code synthesized
      { code: '4143012423', name: '湖南体育职业学院', kind: 'UNIVERSITY' },
      { code: '4143013922', name: '湖南九嶷职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143014309', name: '湖南高尔夫旅游职业学院', kind: 'UNIVERSITY' },
      { code: '4143014406', name: '湖南吉利汽车职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143013804', name: '湖南民族职业学院', kind: 'UNIVERSITY' },
      { code: '4143013941', name: '湖南高速铁路职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143013044', name: '湖南城建职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143013041', name: '长沙南方职业学院', kind: 'UNIVERSITY' },
      { code: '4143014122', name: '湖南电子科技职业学院', kind: 'UNIVERSITY' },
      { code: '4143014310', name: '湖南工商职业学院', kind: 'UNIVERSITY' },
      { code: '4143013924', name: '湖南交通工程学院', kind: 'UNIVERSITY' },
      { code: '4143014468', name: '湖南幼儿师范高等专科学校', kind: 'UNIVERSITY' },
      { code: '4143012848', name: '娄底职业技术学院', kind: 'UNIVERSITY' },
      { code: '4143010534', name: '湖南科技大学', kind: 'UNIVERSITY' },
      { code: '4143010538', name: '中南林业科技大学', kind: 'UNIVERSITY' },
      { code: '4143010541', name: '湖南中医药大学', kind: 'UNIVERSITY' },
      { code: '4143010543', name: '湖南理工学院', kind: 'UNIVERSITY' },
      // Directly affiliated units (厅直属单位) named in the 2019 inspection notice.
      { code: '4300009001', name: '湖南省教育考试院', kind: 'AFFILIATED' }, // code synthesized
      { code: '4300009002', name: '湖南省教育科学研究院', kind: 'AFFILIATED' }, // code synthesized
      { code: '4300009003', name: '湖南省教育电视台', kind: 'AFFILIATED' }, // code synthesized
      { code: '4300009004', name: '湖南省大中专学校学生信息咨询与就业指导中心', kind: 'AFFILIATED' }, // code synthesized
      { code: '4300009005', name: '湖南省学生资助管理中心', kind: 'AFFILIATED' }, // code synthesized
      { code: '4300009006', name: '湖南省教育厅信息中心', kind: 'AFFILIATED' }, // code synthesized
    ],
  },
  {
    code: '140000',
    division: '山西省',
    name: '山西省教育厅',
    cities: [
      {
        code: '140100',
        division: '太原市',
        name: '太原市教育局',
        counties: [],
      },
      {
        code: '140200',
        division: '大同市',
        name: '大同市教育局',
        counties: [],
      },
      {
        code: '140300',
        division: '阳泉市',
        name: '阳泉市教育局',
        counties: [],
      },
      {
        code: '140400',
        division: '长治市',
        name: '长治市教育局',
        counties: [],
      },
      {
        code: '140500',
        division: '晋城市',
        name: '晋城市教育局',
        counties: [],
      },
      {
        code: '140600',
        division: '朔州市',
        name: '朔州市教育局',
        counties: [],
      },
      {
        code: '140700',
        division: '晋中市',
        name: '晋中市教育局',
        counties: [],
      },
      {
        code: '140800',
        division: '运城市',
        name: '运城市教育局',
        counties: [],
      },
      {
        code: '140900',
        division: '忻州市',
        name: '忻州市教育局',
        counties: [],
      },
      {
        code: '141000',
        division: '临汾市',
        name: '临汾市教育局',
        counties: [],
      },
      {
        code: '141100',
        division: '吕梁市',
        name: '吕梁市教育局',
        counties: [],
      },
    ],
    direct: [
      { code: '4114010108', name: '山西大学', kind: 'UNIVERSITY' },
      { code: '4114010109', name: '太原科技大学', kind: 'UNIVERSITY' },
      { code: '4114010110', name: '中北大学', kind: 'UNIVERSITY' },
      { code: '4114010112', name: '太原理工大学', kind: 'UNIVERSITY' },
      { code: '4114010113', name: '山西农业大学', kind: 'UNIVERSITY' },
      { code: '4114010114', name: '山西医科大学', kind: 'UNIVERSITY' },
      { code: '4114010118', name: '山西师范大学', kind: 'UNIVERSITY' },
      { code: '4114010125', name: '山西财经大学', kind: 'UNIVERSITY' },
    ],
  },
  {
    code: '420000',
    division: '湖北省',
    name: '湖北省教育厅',
    cities: [
      {
        code: '420900',
        division: '孝感市',
        name: '孝感市教育局',
        counties: [
          { code: '420902', division: '孝南区', name: '孝感市孝南区教育局' },
          { code: '420921', division: '孝昌县', name: '孝昌县教育局' },
          { code: '420922', division: '大悟县', name: '大悟县教育局' },
          { code: '420923', division: '云梦县', name: '云梦县教育局' },
          { code: '420981', division: '应城市', name: '应城市教育局' },
          { code: '420982', division: '安陆市', name: '安陆市教育局' },
          { code: '420984', division: '汉川市', name: '汉川市教育局' },
        ],
      },
    ],
    direct: [
      { code: '4142010486', name: '武汉大学', kind: 'UNIVERSITY' },
      { code: '4142010511', name: '华中师范大学', kind: 'UNIVERSITY' },
    ],
  },
];
