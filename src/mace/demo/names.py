"""Synthetic name and address data for demo records in a diverse English county (Cheshire-like).

Everything here is made up for demonstrations. The name lists are generic given names and surnames
common in the communities of the county, not records of anyone; combining them at random makes
people who do not exist. Ethnicity uses the 19 categories of the 2021 census in England, weighted
roughly like Cheshire East; each category draws its names from one or more heritage pools, so that
mixed heritage children can have a given name from one pool and a surname from another.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

__all__ = [
    "ETHNICITIES",
    "ETHNICITY_BY_KEY",
    "FEMALE_GIVEN_NAMES",
    "MALE_GIVEN_NAMES",
    "NAME_POOLS",
    "NICKNAMES",
    "STREET_NAMES",
    "SURNAMES",
    "TOWNS",
    "Ethnicity",
    "NamePool",
    "Sex",
    "SyntheticAddress",
    "SyntheticName",
    "Town",
    "feminine_surname",
    "pick_address",
    "pick_ethnicity",
    "pick_person",
]

Sex = Literal["F", "M"]


@dataclass(frozen=True)
class NamePool:
    """Given names by sex and surnames typical of one heritage."""

    key: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]

    def given(self, sex: Sex) -> tuple[str, ...]:
        return self.female if sex == "F" else self.male


def _pool(key: str, female: str, male: str, surnames: str) -> NamePool:
    """Build a pool from comma-separated lists (kept as text so the data reads as a table)."""

    def split(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(",") if part.strip())

    return NamePool(key=key, female=split(female), male=split(male), surnames=split(surnames))


_POOL_LIST = (
    _pool(
        "white_british",
        female="""
        Olivia, Amelia, Isla, Ava, Mia, Ivy, Lily, Isabella, Rosie, Sophia, Grace, Freya, Willow,
        Florence, Emily, Ella, Poppy, Evie, Elsie, Charlotte, Evelyn, Sienna, Sofia, Daisy, Phoebe,
        Sophie, Alice, Harper, Matilda, Ruby, Emilia, Maya, Millie, Isabelle, Erin, Arabella, Eliza,
        Lucy, Esme, Imogen, Holly, Ellie, Jessica, Chloe, Scarlett, Hannah, Megan, Lauren, Bethany,
        Amy, Rebecca, Katie, Laura, Emma, Abigail, Zoe, Georgia, Molly, Eleanor, Harriet, Martha,
        Beatrice, Edith, Mabel, Maisie, Lottie, Darcie, Lola, Bonnie, Heidi, Summer, Violet, Hallie,
        Aria, Ayla, Lyla, Penelope, Victoria, Elizabeth, Katherine, Catherine, Samantha, Natalie,
        Jennifer, Stephanie, Danielle, Nicole, Kayleigh, Leah, Paige, Courtney, Jade, Shannon, Tia,
        Demi, Kelsey, Abbie, Libby, Tilly, Gracie, Nancy, Hollie, Amber, Jasmine, Madison,
        Alexandra, Rachel, Sarah, Charlie, Frankie, Jodie, Gemma, Louise, Lacey-Mae, Ella-Rose,
        Margaret, Josephine, Frances, Rosemary, Hattie
        """,
        male="""
        Oliver, George, Noah, Arthur, Harry, Leo, Jack, Charlie, Oscar, Jacob, Henry, Thomas,
        Freddie, Alfie, Theo, William, Theodore, Archie, Joshua, Alexander, James, Isaac, Edward,
        Lucas, Tommy, Finley, Max, Logan, Ethan, Teddy, Benjamin, Arlo, Joseph, Sebastian, Harrison,
        Elijah, Adam, Daniel, Samuel, Louie, Mason, Reuben, Albie, Rory, Jaxon, Hugo, Luca, Zachary,
        Reggie, Hunter, Louis, Dylan, Albert, Frankie, Toby, Jenson, Ronnie, Jude, Harvey, Stanley,
        Bobby, Tyler, Riley, Kai, Jamie, Callum, Connor, Kieran, Liam, Ryan, Nathan, Lewis, Jordan,
        Bradley, Ben, Luke, Matthew, Michael, Christopher, Andrew, David, Robert, Richard, Nicholas,
        Jonathan, Patrick, Owen, Evan, Aaron, Cameron, Declan, Ellis, Elliot, Felix, Finn, Gabriel,
        Jake, Jayden, Kian, Lenny, Mylo, Ollie, Ralph, Rowan, Sonny, Spencer, Tristan, Zac, Brandon,
        Corey, Dean, Jay, Joel, Josh, Kyle, Leon, Mitchell, Reece, Scott, Frederick, Dominic,
        Alfred, Leonard, Nathaniel, Anthony
        """,
        surnames="""
        Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson, Roberts,
        Robinson, Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall, Lewis, Harris,
        Clarke, Jackson, Wood, Turner, Martin, Cooper, Hill, Ward, Morris, Moore, Clark, Lee, King,
        Baker, Harrison, Morgan, Allen, James, Scott, Phillips, Watson, Davis, Parker, Price,
        Bennett, Young, Griffiths, Mitchell, Cook, Carter, Richardson, Bailey, Collins, Bell, Shaw,
        Miller, Cox, Richards, Marshall, Anderson, Simpson, Ellis, Adams, Wilkinson, Foster,
        Chapman, Powell, Webb, Rogers, Gray, Mason, Hunt, Campbell, Matthews, Owen, Palmer, Holmes,
        Mills, Barnes, Knight, Lloyd, Butler, Russell, Barker, Fisher, Stevens, Jenkins, Dixon,
        Harvey, Graham, Pearson, Fletcher, Gibson, Howard, Andrews, Stewart, Elliott, Reynolds,
        Saunders, Payne, Fox, Ford, Pearce, Day, Brooks, West, Lawrence, Cole, Atkinson, Bradley,
        Spencer, Dawson, Ball, Burton, Watts, Rose, Booth, Perry, Grant, Wells, Armstrong, Francis,
        Rees, Hayes, Hart, Hudson, Newman, Barrett, Webster, Hunter, Gregory, Carr, Lowe, Page,
        Marsh, Riley, Dunn, Woods, Parsons, Berry, Stone, Reid, Holland, Hawkins, Harding, Porter,
        Robertson, Newton, Oliver, Reed, Williamson, Bird, Gardner, Dean, Lane, Cooke, Bates,
        Henderson, Parry, Burgess, Bishop, Walton, Nicholson, Shepherd, Ross, Cross, Long, Freeman,
        Warren, Nicholls, Hamilton, Sutton, McDonald, Yates, Hodgson, Robson, Curtis, Hopkins,
        Harper, Coleman, Watkins, Moss, Chambers, Griffin, Sharp, Hardy, Wheeler, Potter, Osborne,
        Johnston, Gordon, Wallace, Jordan, Hutchinson, Rowe, Pritchard, Gilbert, Willis, Read,
        Miles, Stevenson, Stephenson, Hammond, Arnold, Walters, Hewitt, Barber, Nelson, Slater,
        Austin, Whitehead, Mann, Frost, Lambert, Stephens, Blake, Goodwin, Barton, Woodward,
        Thomson, Baxter, Clayton, Nash, Greenwood, Jennings, Holt, Kemp, Poole, Bond, Tucker,
        Davidson, Fowler, Heath, Norman, Middleton, Lawson, Banks, French, Stanley, Jarvis, Gibbs,
        Ferguson, Hayward, Hargreaves, Leach, Bolton, Hulme, Dale, Bostock, Wilding, Broadhurst,
        Dutton, Beech, Leigh, Faulkner, Kirkham, Sproston, Moston, Bebbington, Tomkinson, Capper
        """,
    ),
    _pool(
        "irish",
        female="""
        Aoife, Niamh, Siobhan, Ciara, Saoirse, Orla, Roisin, Caoimhe, Sinead, Aisling, Clodagh,
        Grainne, Maeve, Nuala, Eimear, Erin, Bridget, Mary, Kathleen, Sorcha, Fionnuala, Aine,
        Deirdre, Maura, Eileen, Shauna, Sile, Emer, Ailbhe, Cliodhna
        """,
        male="""
        Sean, Ciaran, Cian, Oisin, Padraig, Eoin, Conor, Darragh, Cathal, Fionn, Liam, Declan,
        Niall, Ronan, Colm, Diarmuid, Donal, Killian, Tadhg, Cormac, Aidan, Brendan, Kevin,
        Patrick, Seamus, Eamon, Shane, Ruairi, Dermot, Fergal
        """,
        surnames="""
        Murphy, Kelly, O'Sullivan, Walsh, O'Brien, Byrne, Ryan, O'Connor, O'Neill, O'Reilly, Doyle,
        McCarthy, Gallagher, O'Doherty, Kennedy, Lynch, Murray, Quinn, McLoughlin, O'Carroll,
        Connolly, Daly, O'Connell, Dunne, Brennan, Burke, Fitzgerald, Maguire, Nolan, Flynn,
        O'Callaghan, O'Donnell, Duffy, Mahony, Boyle, Healy, O'Shea, Sweeney, Kavanagh, Power,
        McGrath, Moran, Brady, Casey, Foley, Fitzpatrick, O'Leary, McDonnell, McMahon, Donnelly,
        Regan, Donovan, Flanagan, Mullan, Barry, Kane, Kenny, Sheehan, Whelan, Lyons, Cullen, Keane,
        Maher, McKenna, Hogan, Keegan, Magee, McNamara, McDermott, Moloney, O'Rourke, Buckley,
        O'Dwyer, Cassidy
        """,
    ),
    _pool(
        "traveller",
        female="""
        Bridget, Mary, Margaret, Kathleen, Ellen, Nora, Julie, Sally, Tracey, Shannon, Chantelle,
        Kizzy, Lavinia, Dolly, Rosie, Britney, Tiffany, Minnie, Selina, Caroline, Cheyenne, Violet,
        Esther, Ruby, Lily, Bernadette, Teresa, Josie, Dora, Priscilla
        """,
        male="""
        John, Patrick, Michael, Martin, Thomas, James, Joe, Johnny, Paddy, Mikey, Jimmy, Christy,
        Francie, Tom, Bartley, Willie, Levi, Elijah, Sonny, Noah, Henry, Jesse, Aaron, Isaac,
        Lenny, Albert, Tyson, Absalom, Nelson, Silas
        """,
        surnames="""
        Ward, McDonagh, Joyce, Connors, Doherty, Maughan, Stokes, Delaney, Cash, Price, Lee, Smith,
        Boswell, Lovell, Loveridge, Cooper, Lock, Penfold, Purcell, Quilligan, McGinley, Heron,
        Finney, Doran, Keenan, Sherlock, Mongan, Reilly, Nevin, Rooney, Gaskin, Hearne, Buckland,
        Ayres, Eastwood
        """,
    ),
    _pool(
        "polish",
        female="""
        Zofia, Zuzanna, Hanna, Julia, Maja, Lena, Alicja, Maria, Oliwia, Amelia, Wiktoria, Natalia,
        Aleksandra, Pola, Laura, Antonina, Emilia, Gabriela, Nadia, Martyna, Kinga, Agnieszka,
        Katarzyna, Magdalena, Małgorzata, Łucja, Joanna, Weronika, Karolina, Dominika, Paulina,
        Klaudia, Natasza, Ewa, Marta
        """,
        male="""
        Antoni, Jan, Aleksander, Franciszek, Nikodem, Jakub, Leon, Stanisław, Mikołaj, Filip,
        Szymon, Kacper, Wojciech, Adam, Michał, Marcel, Tymon, Piotr, Igor, Wiktor, Mateusz, Dawid,
        Bartosz, Kamil, Krzysztof, Tomasz, Łukasz, Paweł, Marcin, Grzegorz, Oskar, Maksymilian,
        Dominik, Hubert, Patryk, Damian, Karol, Maciej, Józef, Jędrzej
        """,
        surnames="""
        Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński,
        Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, Krawczyk,
        Piotrowski, Grabowski, Nowakowski, Pawłowski, Michalski, Nowicki, Adamczyk, Dudek, Zając,
        Wieczorek, Jabłoński, Król, Majewski, Olszewski, Jaworski, Wróbel, Malinowski, Pawlak,
        Witkowski, Walczak, Stępień, Górski, Rutkowski, Michalak, Sikora, Ostrowski, Baran, Duda,
        Szewczyk, Tomaszewski, Pietrzak, Marciniak, Wróblewski, Zalewski
        """,
    ),
    _pool(
        "romanian",
        female="""
        Maria, Elena, Ioana, Andreea, Alexandra, Gabriela, Bianca, Daria, Sofia, Ana, Antonia,
        Ecaterina, Mihaela, Cristina, Roxana, Alina, Larisa, Denisa, Teodora, Irina, Raluca, Delia,
        Simona, Diana, Adriana, Florentina, Georgiana, Mădălina, Ionela, Iulia
        """,
        male="""
        Andrei, Alexandru, Ionuț, Mihai, Gabriel, Ștefan, David, Luca, Matei, Darius, Rareș, Vlad,
        Florin, Cristian, Constantin, Marius, Adrian, Bogdan, Sorin, Cosmin, Răzvan, Ion, Gheorghe,
        Vasile, Nicolae, Dumitru, Daniel, Robert, Denis, Sebastian, Eduard, Tudor, Alin, Ciprian
        """,
        surnames="""
        Popescu, Popa, Pop, Radu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu, Ionescu, Rusu,
        Mihai, Munteanu, Constantin, Marin, Dinu, Toma, Florea, Lupu, Moldovan, Ene, Tudor, Ilie,
        Dobre, Barbu, Nistor, Cristea, Șerban, Sandu, Zamfir, Georgescu, Oprea, Dumitrescu, Manea,
        Nedelcu, Neagu, Moraru, Vasile, Stanciu, Anghel, Lazăr, Voicu, Iordache, Mocanu, Preda,
        Sima, Lakatos, Rostaș, Covaci
        """,
    ),
    _pool(
        "lithuanian",
        female="""
        Emilija, Sofija, Lėja, Gabija, Amelija, Austėja, Liepa, Urtė, Kamilė, Ugnė, Rugilė, Goda,
        Saulė, Viltė, Ieva, Aistė, Rūta, Eglė, Laura, Greta, Justina, Monika, Indrė, Agnė, Neringa,
        Jurgita, Kristina, Vaida, Ema, Miglė
        """,
        male="""
        Jokūbas, Markas, Matas, Benediktas, Lukas, Dominykas, Nojus, Herkus, Jonas, Adomas, Kajus,
        Motiejus, Titas, Domantas, Tomas, Mantas, Paulius, Darius, Mindaugas, Andrius, Vytautas,
        Rokas, Gytis, Karolis, Arnas, Aurimas, Simonas, Deividas, Emilis, Gabrielius
        """,
        surnames="""
        Kazlauskas, Jankauskas, Petrauskas, Stankevičius, Vasiliauskas, Žukauskas, Butkus,
        Paulauskas, Urbonas, Kavaliauskas, Baranauskas, Pocius, Navickas, Rimkus, Sakalauskas,
        Mockus, Lukoševičius, Šimkus, Žilinskas, Vaitkus, Adomaitis, Kairys, Balčiūnas,
        Ramanauskas, Bielskis
        """,
    ),
    _pool(
        "other_european",
        female="""
        Giulia, Chiara, Francesca, Beatriz, Inês, Lucía, Carmen, Marta, Petra, Eszter, Anna,
        Viktória, Desislava, Ivana, Kateřina, Tereza, Eva, Leonor, Matilde, Alba
        """,
        male="""
        Matteo, Marco, Giovanni, Lorenzo, João, Tiago, Rafael, Diego, Pablo, Javier, Bence,
        Levente, Georgi, Nikola, Dimitar, Milan, Jakub, Duarte, Mario, Ondřej
        """,
        surnames="""
        Rossi, Russo, Ferrari, Esposito, Bianchi, Silva, Santos, Ferreira, Pereira, Oliveira,
        Costa, Rodrigues, García, Fernández, López, Martínez, Nagy, Kovács, Tóth, Szabó, Horváth,
        Ivanov, Petrov, Georgiev, Dimitrov, Novák, Dvořák, Balog, Gomes, Romano
        """,
    ),
    _pool(
        "pakistani",
        female="""
        Aisha, Ayesha, Fatima, Maryam, Zainab, Hafsa, Amina, Aleena, Hania, Inaya, Khadija, Mariam,
        Sana, Zara, Noor, Alisha, Anaya, Iqra, Hira, Mehwish, Samina, Sadia, Nadia, Rabia, Saira,
        Shazia, Sobia, Bushra, Uzma, Aliya, Eshal, Haniya, Manahil, Minahil, Zoya, Rida, Areeba,
        Laiba, Ayat, Safa
        """,
        male="""
        Muhammad, Mohammed, Ahmed, Ali, Hamza, Ibrahim, Yusuf, Zain, Ayaan, Rayyan, Bilal, Hassan,
        Hussain, Omar, Usman, Imran, Adnan, Asif, Faisal, Haris, Abdullah, Zakariya, Musa, Talha,
        Arham, Shayan, Danyal, Saad, Umar, Idris, Zayn, Aariz, Junaid, Kashif, Nabeel, Rizwan,
        Waqas, Tariq, Zubair, Arslan
        """,
        surnames="""
        Khan, Hussain, Ali, Ahmed, Akhtar, Bibi, Iqbal, Mahmood, Shah, Rashid, Aslam, Butt, Malik,
        Raza, Riaz, Javed, Rehman, Qureshi, Chaudhry, Anwar, Saleem, Mirza, Sheikh, Yousaf, Nawaz,
        Zaman, Latif, Arshad, Bashir, Hanif, Karim, Majid, Mughal, Rafiq, Sadiq, Siddiqui, Tariq,
        Younis, Zafar, Abbasi
        """,
    ),
    _pool(
        "indian",
        female="""
        Priya, Ananya, Aanya, Diya, Isha, Kavya, Riya, Saanvi, Anika, Aadhya, Myra, Navya, Pooja,
        Neha, Simran, Harpreet, Gurpreet, Jasleen, Manpreet, Amrit, Kiran, Sonia, Nisha, Meera,
        Divya, Shreya, Tanvi, Avni, Ishani, Jaspreet, Rupinder, Sukhmani, Anjali, Deepika, Lakshmi,
        Aarohi, Tara, Nikita, Sneha, Pallavi
        """,
        male="""
        Arjun, Aarav, Vihaan, Reyansh, Krish, Rohan, Aryan, Dev, Ishaan, Kabir, Aditya, Vivaan,
        Rahul, Raj, Ravi, Sanjay, Vikram, Amit, Anil, Harjit, Gurdeep, Jaspal, Manjit, Harvinder,
        Sukhdev, Ranveer, Arnav, Nikhil, Pranav, Siddharth, Karan, Akash, Varun, Rishi, Neel, Jai,
        Om, Yash, Hardeep, Jasvir
        """,
        surnames="""
        Patel, Singh, Kaur, Sharma, Gupta, Kumar, Shah, Mehta, Joshi, Desai, Gill, Sandhu, Sidhu,
        Dhillon, Bains, Grewal, Johal, Sohal, Kang, Rai, Chauhan, Chopra, Malhotra, Kapoor, Nair,
        Menon, Pillai, Reddy, Rao, Iyer, Mistry, Parmar, Solanki, Chavda, Thakkar, Bhatt, Pandya,
        Verma, Mishra, Agarwal, Bhatia, Sethi, Anand, Dhaliwal, Sahota
        """,
    ),
    _pool(
        "bangladeshi",
        female="""
        Sumaiya, Tahmina, Nusrat, Farzana, Jannat, Tasnim, Sadia, Ruksana, Shirin, Nazia, Sharmin,
        Fahmida, Rumana, Afia, Maisha, Raisa, Anika, Tanzila, Labiba, Nafisa, Husna, Lamia, Mim,
        Sabrina, Shamima, Rahima, Mumtaz, Nasima, Salma, Roksana
        """,
        male="""
        Abdul, Mohammed, Rahim, Karim, Rafiq, Jamal, Shahid, Habib, Mizanur, Shafiqur, Rezaul,
        Arif, Tanvir, Sabbir, Rakib, Sakib, Tahmid, Nahid, Mahir, Ayaan, Rayhan, Faiyaz, Tamim,
        Zubair, Masud, Anwar, Kamrul, Jahid, Ashraf, Imtiaz
        """,
        surnames="""
        Begum, Miah, Uddin, Ahmed, Rahman, Islam, Hossain, Khatun, Ali, Chowdhury, Hoque, Haque,
        Alam, Sarkar, Das, Akhter, Bhuiyan, Kabir, Karim, Mollah, Siddique, Talukder, Sultana,
        Khanam, Amin, Mia, Rashid, Choudhury, Sheikh, Munshi
        """,
    ),
    _pool(
        "chinese",
        female="""
        Mei, Xin, Ying, Jing, Hui, Yan, Lin, Xiaoling, Yuxin, Zihan, Ruoxi, Yutong, Xinyi, Jiayi,
        Siyu, Wing, Ka-Yan, Man-Yee, Wai, Chloe, Grace, Jasmine, Vivian, Winnie, Annie, Kelly,
        Crystal, Shirley, Fiona, Joanne
        """,
        male="""
        Wei, Jun, Hao, Ming, Jie, Yang, Lei, Zihao, Yuxuan, Haoran, Zimo, Yichen, Junjie, Kai,
        Ka-Ho, Chun, Wing, Kwok, Tsz-Hin, Jason, Kevin, Eric, Ryan, Jacky, Henry, Alan, Tony,
        Edison, Ivan, Marcus
        """,
        surnames="""
        Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He,
        Lin, Luo, Gao, Chan, Wong, Cheung, Lau, Leung, Ho, Ng, Lam, Tang, Yip, Chow, Lee, Tsang,
        Kwan, Fung, Yeung, Cheng, Tam, Mak, Lo
        """,
    ),
    _pool(
        "other_asian",
        female="""
        Maria, Angel, Princess, Kristine, Joy, Mae, Linh, Lan, Mai, Anh, Ngoc, Nisansala, Dilini,
        Sachini, Tharushi, Sita, Sunita, Ploy, Siti, Nurul, Hina, Yuki, Ji-woo, Seo-yeon, Asmita
        """,
        male="""
        Jose, Mark, Christian, Angelo, Minh, Duc, Tuan, Huy, Kasun, Nuwan, Tharindu, Dinesh,
        Suresh, Prakash, Bikash, Rajesh, Somchai, Hafiz, Haruto, Min-jun, Ji-ho, Rommel, Paolo,
        Bishal, Sanjeev
        """,
        surnames="""
        Santos, Reyes, Cruz, Bautista, Garcia, Mendoza, Dela Cruz, Nguyen, Tran, Le, Pham, Hoang,
        Perera, Fernando, Silva, Jayasinghe, Wickramasinghe, Gurung, Tamang, Thapa, Shrestha,
        Magar, Tanaka, Sato, Kim, Park, Choi, Ramos, Aquino, Villanueva
        """,
    ),
    _pool(
        "black_african",
        female="""
        Abena, Adaeze, Adwoa, Akosua, Amara, Chiamaka, Chidinma, Chioma, Ebun, Efua, Esi, Folake,
        Funmilayo, Ifeoma, Imani, Kemi, Ngozi, Nia, Nkechi, Nneka, Precious, Blessing, Favour,
        Grace, Joy, Mercy, Peace, Princess, Ruth, Rutendo, Chipo, Thandiwe, Zanele, Ayan, Hodan,
        Fartun, Sagal, Amina, Deka, Faith, Wuraola, Temitope, Adenike, Yetunde, Tendai
        """,
        male="""
        Abdi, Abdirahman, Ade, Adebayo, Chidi, Chinedu, Chukwuemeka, Daniel, David, Ebuka,
        Emmanuel, Femi, Ikenna, Kwabena, Kwame, Kofi, Kwaku, Obinna, Olumide, Oluwaseun, Samuel,
        Tunde, Uche, Yaw, Tendai, Tatenda, Farai, Tinashe, Sipho, Themba, Mohamed, Mahad, Hamse,
        Godwin, Prince, Joshua, Elijah, Michael, Nathaniel, Ayomide, Tobi, Kelechi, Nnamdi,
        Babajide, Oluwatobi
        """,
        surnames="""
        Adeyemi, Okafor, Okeke, Okonkwo, Adebayo, Oladipo, Olawale, Ogunleye, Nwosu, Eze, Obi,
        Mensah, Asante, Boateng, Owusu, Osei, Appiah, Agyeman, Addo, Amoah, Danso, Moyo, Ncube,
        Dube, Sibanda, Mutasa, Banda, Phiri, Mwangi, Otieno, Kamau, Omondi, Mohamed, Abdi, Hassan,
        Farah, Warsame, Jama, Okoro, Adewale, Babatunde, Afolabi, Oyelaran, Bello, Nnadi
        """,
    ),
    _pool(
        "black_caribbean",
        female="""
        Shanice, Tiana, Keisha, Jada, Aaliyah, Kayla, Jasmine, Shantelle, Chantelle, Makayla, Imani,
        Nia, Tia, Zuri, Leah, Amani, Naomi, Jade, Kiara, Tanisha, Janelle, Monique, Marcia,
        Beverley, Paulette, Sharmaine, Rochelle, Simone, Latoya, Maya
        """,
        male="""
        Jermaine, Tyrone, Marcus, Andre, Dwayne, Darnell, Leon, Tyrese, Kemar, Jahmal, Kyrie,
        Malachi, Isaiah, Josiah, Micah, Jaden, Kai, Levi, Nathaniel, Reuben, Theo, Zion, Trey,
        Devon, Winston, Delroy, Clive, Errol, Desmond, Curtis
        """,
        surnames="""
        Campbell, Brown, Williams, Thompson, Clarke, Johnson, Grant, Francis, Reid, Gordon, Henry,
        Lewis, Morgan, Stewart, Bailey, Edwards, Forbes, Gayle, Walcott, Bennett, Richards, Samuels,
        Powell, Mullings, Blackwood, Ferguson, Gooden, Hinds, Lindo, McKenzie, Palmer, Spence,
        Thomas, Wright, Anderson, Robinson, Allen, DaCosta, Goldson, Rowe
        """,
    ),
    _pool(
        "arab",
        female="""
        Layla, Lina, Yasmin, Nour, Rania, Hala, Dana, Jana, Salma, Mariam, Malak, Farah, Reem,
        Sara, Huda, Amal, Dalia, Leen, Joud, Ruqayya, Aya, Hana, Maha, Rana, Shahd
        """,
        male="""
        Ahmad, Mohammad, Omar, Khalid, Karim, Youssef, Tariq, Hamza, Ali, Hassan, Ibrahim, Adam,
        Zaid, Bilal, Rami, Sami, Walid, Nasser, Fadi, Majid, Amir, Anas, Faris, Hadi, Yahya
        """,
        surnames="""
        Al-Sayed, Haddad, Hassan, Khalil, Mansour, Nasser, Saleh, Salem, Aziz, Hamdan, Abbas,
        Abdullah, Al-Amin, Farouk, Habib, Ibrahim, Jaber, Karam, Mahmoud, Mustafa, Nassar, Qasim,
        Rahal, Sabri, Yousef, Zaki, Darwish, Khoury, Suleiman, Obeid
        """,
    ),
)

NAME_POOLS: Mapping[str, NamePool] = MappingProxyType({pool.key: pool for pool in _POOL_LIST})


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


FEMALE_GIVEN_NAMES: tuple[str, ...] = _unique([name for pool in _POOL_LIST for name in pool.female])
MALE_GIVEN_NAMES: tuple[str, ...] = _unique([name for pool in _POOL_LIST for name in pool.male])
SURNAMES: tuple[str, ...] = _unique([name for pool in _POOL_LIST for name in pool.surnames])


# --------------------------------------------------------------------------------------------------
# Ethnicity: the 19 categories of the 2021 census in England
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ethnicity:
    """One census ethnicity category, its rough share locally and where its names come from.

    ``weight`` is an approximate percentage of Cheshire East residents (2021 census, rounded);
    ``given_pools`` and ``surname_pools`` weight the heritage pools names are drawn from.
    """

    code: int
    key: str
    group: str
    name: str
    weight: float
    given_pools: Mapping[str, float] = field(repr=False)
    surname_pools: Mapping[str, float] = field(repr=False)
    double_barrel_rate: float = field(default=0.03, repr=False)

    @property
    def label(self) -> str:
        return f"{self.group} - {self.name}"


_ASIAN = "Asian or Asian British"
_BLACK = "Black, Black British, Caribbean or African"
_MIXED = "Mixed or Multiple ethnic groups"
_WHITE = "White"
_OTHER = "Other ethnic group"


def _ethnicity(
    code: int,
    key: str,
    group: str,
    name: str,
    weight: float,
    pools: dict[str, float],
    surname_pools: dict[str, float] | None = None,
    double_barrel_rate: float = 0.03,
) -> Ethnicity:
    return Ethnicity(
        code=code,
        key=key,
        group=group,
        name=name,
        weight=weight,
        given_pools=MappingProxyType(pools),
        surname_pools=MappingProxyType(pools if surname_pools is None else surname_pools),
        double_barrel_rate=double_barrel_rate,
    )


ETHNICITIES: tuple[Ethnicity, ...] = (
    _ethnicity(1, "asian_bangladeshi", _ASIAN, "Bangladeshi", 0.1, {"bangladeshi": 1.0}),
    _ethnicity(2, "asian_chinese", _ASIAN, "Chinese", 0.4, {"chinese": 1.0}),
    _ethnicity(3, "asian_indian", _ASIAN, "Indian", 0.8, {"indian": 1.0}),
    _ethnicity(4, "asian_pakistani", _ASIAN, "Pakistani", 0.2, {"pakistani": 1.0}),
    _ethnicity(5, "asian_other", _ASIAN, "Other Asian", 0.6, {"other_asian": 1.0}),
    _ethnicity(6, "black_african", _BLACK, "African", 0.4, {"black_african": 1.0}),
    _ethnicity(7, "black_caribbean", _BLACK, "Caribbean", 0.1, {"black_caribbean": 1.0}),
    _ethnicity(8, "black_other", _BLACK, "Other Black", 0.1, {"black_african": 1.0, "black_caribbean": 1.0}),
    _ethnicity(
        9,
        "mixed_white_asian",
        _MIXED,
        "White and Asian",
        0.5,
        {"white_british": 3.0, "indian": 1.0, "pakistani": 1.0, "bangladeshi": 0.3, "chinese": 0.7},
        double_barrel_rate=0.12,
    ),
    _ethnicity(
        10,
        "mixed_white_black_african",
        _MIXED,
        "White and Black African",
        0.2,
        {"white_british": 2.0, "black_african": 1.0},
        double_barrel_rate=0.12,
    ),
    _ethnicity(
        11,
        "mixed_white_black_caribbean",
        _MIXED,
        "White and Black Caribbean",
        0.4,
        {"white_british": 2.0, "black_caribbean": 1.0},
        double_barrel_rate=0.12,
    ),
    _ethnicity(
        12,
        "mixed_other",
        _MIXED,
        "Other Mixed or Multiple ethnic groups",
        0.4,
        {"white_british": 2.0, "arab": 0.5, "other_asian": 0.5, "other_european": 0.5, "black_african": 0.5},
        double_barrel_rate=0.12,
    ),
    _ethnicity(
        13,
        "white_british",
        _WHITE,
        "English, Welsh, Scottish, Northern Irish or British",
        90.65,
        {"white_british": 1.0},
    ),
    _ethnicity(14, "white_irish", _WHITE, "Irish", 0.6, {"irish": 3.0, "white_british": 1.0}),
    _ethnicity(15, "white_gypsy_traveller", _WHITE, "Gypsy or Irish Traveller", 0.1, {"traveller": 1.0}),
    _ethnicity(16, "white_roma", _WHITE, "Roma", 0.05, {"romanian": 2.0, "other_european": 1.0}),
    _ethnicity(
        17,
        "white_other",
        _WHITE,
        "Any other White background",
        4.0,
        {"polish": 5.0, "romanian": 3.0, "lithuanian": 1.5, "other_european": 2.0},
    ),
    _ethnicity(18, "other_arab", _OTHER, "Arab", 0.1, {"arab": 1.0}),
    _ethnicity(
        19,
        "other_any",
        _OTHER,
        "Any other ethnic group",
        0.3,
        {"arab": 1.0, "other_asian": 1.0, "other_european": 0.5},
    ),
)

ETHNICITY_BY_KEY: Mapping[str, Ethnicity] = MappingProxyType({e.key: e for e in ETHNICITIES})


# --------------------------------------------------------------------------------------------------
# Nicknames: given name -> names it is commonly shortened to
# --------------------------------------------------------------------------------------------------

NICKNAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Thomas": ("Tom", "Tommy"),
        "William": ("Will", "Billy", "Liam"),
        "James": ("Jim", "Jimmy", "Jamie"),
        "Alexander": ("Alex", "Xander"),
        "Alexandra": ("Alex", "Lexi"),
        "Aleksandra": ("Ola",),
        "Aleksander": ("Olek",),
        "Alexandru": ("Alex",),
        "Jessica": ("Jess", "Jessie"),
        "Mohammed": ("Mo",),
        "Muhammad": ("Mo",),
        "Mohammad": ("Mo",),
        "Mohamed": ("Mo",),
        "Benjamin": ("Ben", "Benji"),
        "Samuel": ("Sam", "Sammy"),
        "Daniel": ("Dan", "Danny"),
        "Joseph": ("Joe", "Joey"),
        "Joshua": ("Josh",),
        "Matthew": ("Matt",),
        "Michael": ("Mike", "Mikey", "Micky"),
        "Christopher": ("Chris",),
        "Nicholas": ("Nick", "Nicky"),
        "Jonathan": ("Jon", "Jonny"),
        "Robert": ("Rob", "Robbie", "Bobby"),
        "Richard": ("Rich", "Richie"),
        "Edward": ("Ed", "Eddie", "Ted", "Teddy"),
        "Frederick": ("Fred", "Freddie"),
        "Henry": ("Harry", "Hal"),
        "Harrison": ("Harry",),
        "Oliver": ("Ollie",),
        "Charlotte": ("Lottie", "Charlie"),
        "Elizabeth": ("Liz", "Lizzie", "Beth", "Eliza"),
        "Katherine": ("Kate", "Katie", "Kat"),
        "Catherine": ("Cath", "Cathy", "Kate"),
        "Rebecca": ("Becky", "Becca"),
        "Samantha": ("Sam", "Sammy"),
        "Victoria": ("Vicky", "Tori"),
        "Abigail": ("Abbie", "Abby"),
        "Isabella": ("Bella", "Izzy"),
        "Isabelle": ("Izzy", "Belle"),
        "Eleanor": ("Ellie", "Nell"),
        "Amelia": ("Millie", "Amy"),
        "Emily": ("Em", "Millie"),
        "Emilia": ("Millie", "Emmy"),
        "Florence": ("Flo", "Florrie"),
        "Matilda": ("Tilly", "Tilda"),
        "Penelope": ("Penny",),
        "Margaret": ("Maggie", "Peggy", "Meg"),
        "Jennifer": ("Jen", "Jenny"),
        "Stephanie": ("Steph",),
        "Natalie": ("Nat",),
        "Gabriel": ("Gabe",),
        "Zachary": ("Zac", "Zach"),
        "Theodore": ("Theo", "Teddy"),
        "Sebastian": ("Seb",),
        "Nathaniel": ("Nate", "Nat"),
        "Patrick": ("Paddy", "Pat"),
        "Anthony": ("Tony", "Ant"),
        "Andrew": ("Andy", "Drew"),
        "David": ("Dave", "Davey"),
        "Jacob": ("Jake",),
        "Cameron": ("Cam",),
        "Callum": ("Cal",),
        "Dominic": ("Dom",),
        "Albert": ("Bert", "Albie"),
        "Alfred": ("Alf", "Alfie"),
        "Stanley": ("Stan",),
        "Leonard": ("Leo", "Lenny"),
        "Frances": ("Fran", "Frankie"),
        "Francesca": ("Fran", "Frankie"),
        "Georgia": ("Georgie",),
        "Grace": ("Gracie",),
        "Evelyn": ("Evie",),
        "Imogen": ("Immy",),
        "Harriet": ("Hattie",),
        "Beatrice": ("Bea",),
        "Madison": ("Maddie",),
        "Megan": ("Meg",),
        "Josephine": ("Jo", "Josie"),
        "Kathleen": ("Kath", "Kathy"),
        "Bridget": ("Bridie",),
        "Siobhan": ("Shiv",),
        "Małgorzata": ("Gosia",),
        "Katarzyna": ("Kasia",),
        "Magdalena": ("Magda",),
        "Agnieszka": ("Aga",),
        "Zuzanna": ("Zuzia",),
        "Wiktoria": ("Wika",),
        "Joanna": ("Asia",),
        "Jakub": ("Kuba",),
        "Wojciech": ("Wojtek",),
        "Krzysztof": ("Krzyś",),
        "Tomasz": ("Tomek",),
        "Bartosz": ("Bartek",),
        "Stanisław": ("Staś",),
        "Piotr": ("Piotrek",),
        "Maksymilian": ("Maks",),
        "Franciszek": ("Franek",),
        "Antoni": ("Antek",),
        "Ecaterina": ("Cati",),
        "Cristian": ("Cristi",),
        "Constantin": ("Costel",),
        "Teodora": ("Dora", "Teo"),
        "Dominykas": ("Domas",),
        "Abdirahman": ("Abdi",),
        "Adebayo": ("Bayo",),
        "Oluwaseun": ("Seun",),
        "Oluwatobi": ("Tobi",),
        "Temitope": ("Temi", "Tope"),
        "Ayomide": ("Ayo",),
        "Funmilayo": ("Funmi",),
        "Chukwuemeka": ("Emeka",),
        "Chiamaka": ("Amaka",),
        "Ikenna": ("Ike",),
        "Ifeoma": ("Ife",),
        "Babajide": ("Jide",),
        "Xiaoling": ("Ling",),
        "Ibrahim": ("Ibby",),
        "Zakariya": ("Zak",),
    }
)


# --------------------------------------------------------------------------------------------------
# Addresses: synthetic street names and towns with their postcode districts
# --------------------------------------------------------------------------------------------------

_STREET_STEMS = (
    "Acacia", "Alder", "Ash", "Aspen", "Beech", "Birch", "Bluebell", "Bramble", "Brook", "Buttercup",
    "Canal", "Cedar", "Chapel", "Cherry", "Chestnut", "Clover", "Coppice", "Cornfield", "Daisy",
    "Elm", "Fern", "Field", "Foxglove", "Garden", "Hawthorn", "Hazel", "Heather", "Holly",
    "Honeysuckle", "Juniper", "Kestrel", "Lapwing", "Larch", "Laurel", "Lilac", "Linden", "Maple",
    "Meadow", "Mill", "Moss", "Oak", "Orchard", "Otter", "Paddock", "Poplar", "Primrose", "Rowan",
    "Salt", "Sandstone", "Silk", "Skylark", "Spinney", "Station", "Swallow", "Sycamore", "Teal",
    "Thistle", "Willow", "Wren", "Yew",
)  # fmt: skip
_STREET_SUFFIXES = (
    "Road", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Grove", "Street", "Gardens",
    "Court", "Mews", "View", "Walk",
)  # fmt: skip

STREET_NAMES: tuple[str, ...] = tuple(
    f"{stem} {suffix}" for stem in _STREET_STEMS for suffix in _STREET_SUFFIXES
)


@dataclass(frozen=True)
class Town:
    """A town and the postcode districts synthetic addresses there use; ``weight`` is relative size."""

    name: str
    districts: tuple[str, ...]
    weight: float


TOWNS: tuple[Town, ...] = (
    Town("Crewe", ("CW1", "CW2"), 10.0),
    Town("Macclesfield", ("SK10", "SK11"), 9.0),
    Town("Congleton", ("CW12",), 4.5),
    Town("Wilmslow", ("SK9",), 4.0),
    Town("Sandbach", ("CW11",), 3.5),
    Town("Nantwich", ("CW5",), 3.0),
    Town("Knutsford", ("WA16",), 2.5),
    Town("Poynton", ("SK12",), 2.0),
    Town("Alsager", ("ST7",), 2.0),
    Town("Middlewich", ("CW10",), 2.0),
    Town("Northwich", ("CW8", "CW9"), 3.0),
    Town("Winsford", ("CW7",), 2.5),
    Town("Holmes Chapel", ("CW4",), 1.0),
    Town("Tarporley", ("CW6",), 0.6),
    Town("Audlem", ("CW3",), 0.4),
    Town("Alderley Edge", ("SK9",), 0.8),
    Town("Bollington", ("SK10",), 1.0),
    Town("Disley", ("SK12",), 0.5),
)

# Letters allowed in the last two characters of a UK postcode.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class SyntheticAddress:
    line1: str
    town: str
    postcode: str


def pick_address(rng: random.Random) -> SyntheticAddress:
    """Return a made-up address in one of the towns, with a postcode in the town's district."""
    town = rng.choices(TOWNS, weights=[t.weight for t in TOWNS])[0]
    district = rng.choice(town.districts)
    postcode = f"{district} {rng.randrange(1, 10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    line1 = f"{rng.randrange(1, 120)} {rng.choice(STREET_NAMES)}"
    return SyntheticAddress(line1=line1, town=town.name, postcode=postcode)


# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticName:
    """A made-up person's name as a case record would hold it."""

    given_names: str
    family_name: str
    sex: Sex
    ethnicity: Ethnicity
    preferred_name: str | None = None

    @property
    def first_name(self) -> str:
        return self.given_names.split()[0]

    @property
    def middle_names(self) -> str:
        return " ".join(self.given_names.split()[1:])


_MIDDLE_NAME_RATE = 0.6
_PREFERRED_NAME_RATE = 0.25
# Pools whose surnames take a feminine form for girls.
_INFLECTED_POOLS = frozenset({"polish", "lithuanian"})
_LITHUANIAN_FEMININE_ENDINGS = (("ius", "iūtė"), ("as", "aitė"), ("ys", "ytė"), ("is", "ytė"), ("us", "utė"))


def feminine_surname(surname: str, pool_key: str) -> str:
    """Return the feminine form of a Polish or Lithuanian surname (unchanged for other pools).

    Polish -ski/-cki/-dzki become -ska/-cka/-dzka; Lithuanian surnames take the unmarried endings
    -aitė, -ytė, -utė or -iūtė.
    """
    if pool_key == "polish":
        if surname.endswith("ki"):
            return surname[:-1] + "a"
        return surname
    if pool_key == "lithuanian":
        for masculine, feminine in _LITHUANIAN_FEMININE_ENDINGS:
            if surname.endswith(masculine):
                return surname[: -len(masculine)] + feminine
    return surname


def _weighted_key(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def pick_ethnicity(rng: random.Random) -> Ethnicity:
    """Return an ethnicity category drawn with the approximate local proportions."""
    return rng.choices(ETHNICITIES, weights=[e.weight for e in ETHNICITIES])[0]


def _pick_surname(rng: random.Random, ethnicity: Ethnicity, sex: Sex) -> str:
    pool_key = _weighted_key(rng, ethnicity.surname_pools)
    surname = rng.choice(NAME_POOLS[pool_key].surnames)
    if sex == "F" and pool_key in _INFLECTED_POOLS:
        surname = feminine_surname(surname, pool_key)
    return surname


def pick_person(
    rng: random.Random, *, ethnicity: Ethnicity | None = None, sex: Sex | None = None
) -> SyntheticName:
    """Return a made-up person: given names, family name, sex, ethnicity and sometimes a nickname.

    Ethnicity and sex are drawn at random unless given. The same rng state gives the same person.
    """
    if ethnicity is None:
        ethnicity = pick_ethnicity(rng)
    if sex is None:
        sex = "F" if rng.random() < 0.5 else "M"

    first = rng.choice(NAME_POOLS[_weighted_key(rng, ethnicity.given_pools)].given(sex))
    given = [first]
    if rng.random() < _MIDDLE_NAME_RATE:
        middle = rng.choice(NAME_POOLS[_weighted_key(rng, ethnicity.given_pools)].given(sex))
        if middle != first:
            given.append(middle)

    family_name = _pick_surname(rng, ethnicity, sex)
    if rng.random() < ethnicity.double_barrel_rate:
        second = _pick_surname(rng, ethnicity, sex)
        if second != family_name and " " not in second and " " not in family_name:
            family_name = f"{family_name}-{second}"

    preferred_name: str | None = None
    options = NICKNAMES.get(first)
    if options and rng.random() < _PREFERRED_NAME_RATE:
        preferred_name = rng.choice(options)

    return SyntheticName(
        given_names=" ".join(given),
        family_name=family_name,
        sex=sex,
        ethnicity=ethnicity,
        preferred_name=preferred_name,
    )
